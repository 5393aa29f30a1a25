// Tests io::Walker: sorted order, FIFOs/sockets never opened, symlink rules, loops, missing inputs, limits.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fs_helpers.hpp"
#include "io/walker.hpp"

namespace emoguard::io {
namespace {

using emoguard::testing::FifoWatch;
using emoguard::testing::make_dir;
using emoguard::testing::make_fifo;
using emoguard::testing::make_symlink;
using emoguard::testing::TempDir;
using emoguard::testing::write_file;

struct WalkOut {
  std::vector<WalkEntry> files;
  std::vector<WalkIssue> issues;

  [[nodiscard]] std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.path);
    return out;
  }
  [[nodiscard]] std::vector<const WalkIssue*> with_code(const std::string& anomaly_code) const {
    std::vector<const WalkIssue*> out;
    for (const auto& i : issues) {
      if (i.anomaly_code == anomaly_code) out.push_back(&i);
    }
    return out;
  }
  [[nodiscard]] std::size_t errors() const {
    return static_cast<std::size_t>(std::count_if(issues.begin(), issues.end(), [](const WalkIssue& i) { return i.is_error; }));
  }
};

WalkOut walk(const std::vector<std::string>& inputs, const Limits& limits = {}) {
  WalkOut out;
  Walker w(limits);
  w.walk(
      inputs, [&](WalkEntry&& e) { out.files.push_back(std::move(e)); }, [&](WalkIssue&& i) { out.issues.push_back(std::move(i)); });
  return out;
}

std::string describe(const WalkOut& w) {
  std::string s = "files:";
  for (const auto& f : w.files) s += " " + f.path;
  s += "\nissues:";
  for (const auto& i : w.issues) s += " [" + i.path + " " + std::string(to_string(i.code)) + " " + i.anomaly_code + "]";
  return s;
}

// Every regular file appears at most once, by device and inode.
::testing::AssertionResult each_file_once(const WalkOut& w) {
  std::set<std::pair<dev_t, ino_t>> seen;
  for (const auto& f : w.files) {
    struct stat sb {};
    if (::stat(f.path.c_str(), &sb) != 0) return ::testing::AssertionFailure() << "cannot stat " << f.path;
    if (!seen.insert({sb.st_dev, sb.st_ino}).second) return ::testing::AssertionFailure() << "given twice: " << f.path;
  }
  return ::testing::AssertionSuccess();
}

// ------------------------------------------------------------------ regular files

TEST(Walker, RegularFilesInByteOrder) {
  TempDir t;
  const std::string root = t / "tree";
  make_dir(root);
  write_file(root + "/b.txt", "bb");
  write_file(root + "/a.txt", "a");
  write_file(root + "/C.txt", "ccc");
  make_dir(root + "/c");
  write_file(root + "/c/d.txt", "dddd");
  write_file(root + "/c.txt", "");
  write_file(root + "/\xC3\xA9.txt", "e");  // non-ASCII sorts after ASCII in byte order
  const auto w = walk({root});
  EXPECT_TRUE(w.issues.empty()) << describe(w);
  EXPECT_EQ(w.paths(), (std::vector<std::string>{root + "/C.txt", root + "/a.txt", root + "/b.txt", root + "/c/d.txt",
                                                  root + "/c.txt", root + "/\xC3\xA9.txt"}));
  ASSERT_EQ(w.files.size(), 6u);
  EXPECT_EQ(w.files[0].size, 3u);
  EXPECT_EQ(w.files[3].size, 4u);
  EXPECT_EQ(w.files[4].size, 0u);
  for (const auto& f : w.files) EXPECT_FALSE(f.named) << f.path;
}

TEST(Walker, OrderIsReproducible) {
  TempDir t;
  for (const char* n : {"z", "y", "x", "m", "a", "B", "0"}) write_file(t / n, n);
  const auto a = walk({t.path()});
  const auto b = walk({t.path()});
  const auto pa = a.paths();
  EXPECT_EQ(pa, b.paths());
  EXPECT_EQ(pa.size(), 7u);
  EXPECT_TRUE(std::is_sorted(pa.begin(), pa.end()));
}

TEST(Walker, NamedFileIsMarkedNamed) {
  TempDir t;
  write_file(t / "one.eml", "hello");
  const auto w = walk({t / "one.eml"});
  ASSERT_EQ(w.files.size(), 1u);
  EXPECT_EQ(w.files[0].path, t / "one.eml");
  EXPECT_TRUE(w.files[0].named);
  EXPECT_EQ(w.files[0].size, 5u);
  EXPECT_TRUE(w.issues.empty());
}

TEST(Walker, TrailingSlashDoesNotDoubleSeparators) {
  TempDir t;
  write_file(t / "a", "x");
  const auto w = walk({t.path() + "/"});
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t.path() + "/a"}));
}

TEST(Walker, EmptyDirectoryGivesNothing) {
  TempDir t;
  const auto w = walk({t.path()});
  EXPECT_TRUE(w.files.empty());
  EXPECT_TRUE(w.issues.empty());
}

TEST(Walker, SameTreeOrFileNamedTwiceIsTakenOnce) {
  TempDir t;
  write_file(t / "a", "x");
  write_file(t / "b", "y");
  const auto w = walk({t.path(), t.path(), t / "a"});
  EXPECT_EQ(w.files.size(), 2u) << describe(w);
  EXPECT_TRUE(each_file_once(w));
}

TEST(Walker, HardLinksAreTakenOnce) {
  TempDir t;
  write_file(t / "h1", "same");
  ASSERT_EQ(::link((t / "h1").c_str(), (t / "h2").c_str()), 0);
  const auto w = walk({t.path()});
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "h1"}));
}

// ------------------------------------------------------------------ FIFOs and sockets

TEST(Walker, FifoInTreeIsAnAnomalyAndNeverOpened) {
  TempDir t;
  write_file(t / "a.txt", "a");
  make_fifo(t / "pipe");
  write_file(t / "z.txt", "z");
  FifoWatch watch(t / "pipe");
  const auto w = walk({t.path()});
  EXPECT_FALSE(watch.stop()) << "the walker opened the FIFO";
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "a.txt", t / "z.txt"}));
  const auto found = w.with_code("walk.not_regular");
  ASSERT_EQ(found.size(), 1u) << describe(w);
  EXPECT_EQ(found[0]->path, t / "pipe");
  EXPECT_FALSE(found[0]->is_error);
  EXPECT_EQ(found[0]->code, Errc::not_regular);
  EXPECT_NE(found[0]->message.en.find("FIFO"), std::string::npos) << found[0]->message.en;
  EXPECT_FALSE(found[0]->message.ja.empty());
  EXPECT_EQ(w.errors(), 0u);
}

TEST(Walker, NamedFifoIsAnError) {
  TempDir t;
  make_fifo(t / "pipe");
  FifoWatch watch(t / "pipe");
  const auto w = walk({t / "pipe"});
  EXPECT_FALSE(watch.stop()) << "the walker opened the FIFO";
  EXPECT_TRUE(w.files.empty());
  ASSERT_EQ(w.issues.size(), 1u);
  EXPECT_TRUE(w.issues[0].is_error);
  EXPECT_EQ(w.issues[0].code, Errc::not_regular);
  EXPECT_EQ(w.issues[0].path, t / "pipe");
  EXPECT_NE(w.issues[0].message.en.find("FIFO"), std::string::npos);
}

TEST(Walker, SocketInTreeIsAnAnomaly) {
  TempDir t;
  const std::string sock_path = t / "s";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock_path.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const auto w = walk({t.path()});
  ::close(fd);
  const auto found = w.with_code("walk.not_regular");
  ASSERT_EQ(found.size(), 1u) << describe(w);
  EXPECT_FALSE(found[0]->is_error);
  EXPECT_NE(found[0]->message.en.find("socket"), std::string::npos);
  EXPECT_TRUE(w.files.empty());
}

TEST(Walker, CharacterDeviceNamedIsAnError) {
  const auto w = walk({"/dev/null"});
  EXPECT_TRUE(w.files.empty());
  ASSERT_EQ(w.issues.size(), 1u);
  EXPECT_TRUE(w.issues[0].is_error);
  EXPECT_EQ(w.issues[0].code, Errc::not_regular);
}

// ------------------------------------------------------------------ symlinks

TEST(Walker, SymlinkLoopIsReportedNotFollowed) {
  TempDir t;
  write_file(t / "f", "x");
  make_symlink("loop_b", t / "loop_a");
  make_symlink("loop_a", t / "loop_b");
  make_symlink("self", t / "self");
  const auto w = walk({t.path()});
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "f"}));
  const auto loops = w.with_code("walk.symlink_loop");
  ASSERT_EQ(loops.size(), 3u) << describe(w);
  for (const auto* i : loops) {
    EXPECT_FALSE(i->is_error);
    EXPECT_EQ(i->code, Errc::loop);
  }
  EXPECT_EQ(w.errors(), 0u);
}

TEST(Walker, NamedSymlinkLoopIsAnError) {
  TempDir t;
  make_symlink("self", t / "self");
  const auto w = walk({t / "self"});
  ASSERT_EQ(w.issues.size(), 1u);
  EXPECT_TRUE(w.issues[0].is_error);
  EXPECT_EQ(w.issues[0].code, Errc::loop);
}

TEST(Walker, SymlinkOutsideTheTreeIsNotFollowed) {
  TempDir t;
  const std::string root = t / "tree";
  make_dir(root);
  write_file(t / "outside.txt", "secret");
  make_dir(t / "outside_dir");
  write_file(t / "outside_dir/inner.txt", "secret");
  write_file(root + "/in.txt", "x");
  make_symlink("../outside.txt", root + "/out_file");
  make_symlink(t / "outside_dir", root + "/out_dir");
  // A prefix of the root's name is not inside it: tree2 is outside tree.
  make_dir(t / "tree2");
  write_file(t / "tree2/x.txt", "x");
  make_symlink("../tree2/x.txt", root + "/sibling");
  const auto w = walk({root});
  EXPECT_EQ(w.paths(), (std::vector<std::string>{root + "/in.txt"})) << describe(w);
  const auto out = w.with_code("walk.symlink_outside");
  ASSERT_EQ(out.size(), 3u) << describe(w);
  for (const auto* i : out) {
    EXPECT_FALSE(i->is_error);
    EXPECT_NE(i->message.en.find("outside"), std::string::npos);
  }
  EXPECT_EQ(w.errors(), 0u);
}

TEST(Walker, BrokenSymlinkIsAnAnomaly) {
  TempDir t;
  make_symlink("nowhere", t / "dangling");
  const auto w = walk({t.path()});
  EXPECT_TRUE(w.files.empty());
  const auto b = w.with_code("walk.symlink_broken");
  ASSERT_EQ(b.size(), 1u) << describe(w);
  EXPECT_FALSE(b[0]->is_error);
}

TEST(Walker, NamedSymlinkIsFollowedEvenOutsideAnyTree) {
  TempDir t;
  write_file(t / "target.txt", "abc");
  make_dir(t / "d");
  make_symlink("../target.txt", t / "d/link");
  const auto w = walk({t / "d/link"});
  ASSERT_EQ(w.files.size(), 1u);
  EXPECT_TRUE(w.files[0].named);
  EXPECT_EQ(w.files[0].size, 3u);
}

TEST(Walker, NamedSymlinkToDirectoryWalksItsTarget) {
  TempDir t;
  make_dir(t / "real");
  write_file(t / "real/a", "x");
  make_symlink("a", t / "real/b");  // in-tree relative to the real root
  make_symlink("real", t / "alias");
  const auto w = walk({t / "alias"});
  EXPECT_EQ(w.files.size(), 1u) << describe(w);
  EXPECT_TRUE(w.with_code("walk.symlink_outside").empty()) << describe(w);
}

TEST(Walker, InTreeSymlinkToVisitedFileIsGivenOnce) {
  TempDir t;
  write_file(t / "a.txt", "a");
  make_symlink("a.txt", t / "b_link");
  make_symlink(t / "a.txt", t / "c_abs_link");
  const auto w = walk({t.path()});
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "a.txt"})) << describe(w);
  EXPECT_TRUE(w.with_code("walk.symlink_outside").empty());
}

TEST(Walker, InTreeSymlinkBeforeItsTargetStillGivesTheFileOnce) {
  TempDir t;
  make_symlink("z.txt", t / "0_link");
  write_file(t / "z.txt", "z");
  const auto w = walk({t.path()});
  EXPECT_EQ(w.files.size(), 1u) << describe(w);
  EXPECT_TRUE(each_file_once(w));
}

TEST(Walker, DirectorySymlinkLoopInsideTheTreeTerminates) {
  TempDir t;
  const std::string root = t / "tree";
  make_dir(root);
  make_dir(root + "/sub");
  write_file(root + "/top.txt", "1");
  write_file(root + "/sub/inner.txt", "2");
  make_symlink("..", root + "/sub/up");       // back to the root
  make_symlink(".", root + "/sub/self");      // to itself
  make_symlink(root, root + "/sub/abs_root");  // absolute, still in the tree
  const auto w = walk({root});
  EXPECT_TRUE(each_file_once(w)) << describe(w);
  std::vector<std::string> got = w.paths();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{root + "/sub/inner.txt", root + "/top.txt"})) << describe(w);
  EXPECT_EQ(w.with_code("walk.dir_loop").size(), 3u) << describe(w);
  for (const auto* i : w.with_code("walk.dir_loop")) EXPECT_FALSE(i->is_error);
  EXPECT_EQ(w.errors(), 0u);
}

TEST(Walker, DirectorySymlinkToLaterDirectoryGivesEachFileOnce) {
  TempDir t;
  make_dir(t / "z_dir");
  write_file(t / "z_dir/f1", "1");
  write_file(t / "z_dir/f2", "2");
  make_symlink("z_dir", t / "a_link");
  const auto w = walk({t.path()});
  EXPECT_EQ(w.files.size(), 2u) << describe(w);
  EXPECT_TRUE(each_file_once(w));
}

// ------------------------------------------------------------------ missing inputs, permissions

TEST(Walker, MissingInputIsNotFoundError) {
  TempDir t;
  write_file(t / "present", "x");
  const auto w = walk({t / "missing", t / "present", t / "present/below"});
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "present"}));  // the run goes on
  ASSERT_EQ(w.issues.size(), 2u) << describe(w);
  EXPECT_EQ(w.issues[0].path, t / "missing");
  EXPECT_EQ(w.issues[0].code, Errc::not_found);
  EXPECT_TRUE(w.issues[0].is_error);
  EXPECT_NE(w.issues[0].message.en.find(t / "missing"), std::string::npos);
  EXPECT_FALSE(w.issues[0].message.ja.empty());
  EXPECT_EQ(w.issues[1].code, Errc::not_found);  // ENOTDIR
  EXPECT_TRUE(w.issues[1].is_error);
}

TEST(Walker, UnreadableDirectoryIsAnErrorAndTheWalkGoesOn) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: directory permissions do not apply";
  TempDir t;
  make_dir(t / "closed");
  write_file(t / "closed/x", "x");
  write_file(t / "open.txt", "y");
  ASSERT_EQ(::chmod((t / "closed").c_str(), 0), 0);
  const auto w = walk({t.path()});
  ::chmod((t / "closed").c_str(), 0700);
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "open.txt"}));
  ASSERT_EQ(w.issues.size(), 1u) << describe(w);
  EXPECT_TRUE(w.issues[0].is_error);
  EXPECT_EQ(w.issues[0].code, Errc::permission);
  EXPECT_EQ(w.issues[0].path, t / "closed");
}

// ------------------------------------------------------------------ limits

TEST(Walker, MaxDirDepth) {
  TempDir t;
  make_dir(t / "d1");
  make_dir(t / "d1/d2");
  make_dir(t / "d1/d2/d3");
  write_file(t / "h.txt", "0");
  write_file(t / "d1/g.txt", "1");
  write_file(t / "d1/d2/f.txt", "2");
  write_file(t / "d1/d2/d3/e.txt", "3");

  Limits l;
  l.max_dir_depth = 1;
  const auto w = walk({t.path()}, l);
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "d1/g.txt", t / "h.txt"})) << describe(w);
  const auto lim = w.with_code("limit.max_dir_depth");
  ASSERT_EQ(lim.size(), 1u) << describe(w);
  EXPECT_EQ(lim[0]->path, t / "d1/d2");
  EXPECT_EQ(lim[0]->code, Errc::limit);
  EXPECT_FALSE(lim[0]->is_error);
  EXPECT_NE(lim[0]->message.en.find("1"), std::string::npos);

  l.max_dir_depth = 0;
  const auto z = walk({t.path()}, l);
  EXPECT_EQ(z.paths(), (std::vector<std::string>{t / "h.txt"}));
  ASSERT_EQ(z.with_code("limit.max_dir_depth").size(), 1u);
  EXPECT_EQ(z.with_code("limit.max_dir_depth")[0]->path, t / "d1");

  const auto all = walk({t.path()});
  EXPECT_EQ(all.files.size(), 4u);
  EXPECT_TRUE(all.issues.empty());
}

TEST(Walker, MaxFiles) {
  TempDir t;
  for (const char* n : {"a", "b", "c", "d", "e"}) write_file(t / n, n);
  Limits l;
  l.max_files = 2;
  const auto w = walk({t.path(), t / "e"}, l);
  EXPECT_EQ(w.paths(), (std::vector<std::string>{t / "a", t / "b"}));
  const auto lim = w.with_code("limit.max_files");
  ASSERT_EQ(lim.size(), 1u) << describe(w);  // reported once, not once per file
  EXPECT_EQ(lim[0]->code, Errc::limit);
  EXPECT_FALSE(lim[0]->is_error);
  EXPECT_EQ(w.issues.size(), 1u);

  l.max_files = 0;
  const auto none = walk({t.path()}, l);
  EXPECT_TRUE(none.files.empty());
  EXPECT_EQ(none.with_code("limit.max_files").size(), 1u);
}

}  // namespace
}  // namespace emoguard::io
