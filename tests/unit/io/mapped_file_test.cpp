// Tests io::MappedFile (content, empty, FIFO, missing, sparse, size limit, symlinks, moves) and errno mapping.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "fs_helpers.hpp"
#include "io/mapped_file.hpp"

namespace emoguard::io {
namespace {

using emoguard::testing::FifoWatch;
using emoguard::testing::make_fifo;
using emoguard::testing::make_symlink;
using emoguard::testing::TempDir;
using emoguard::testing::write_file;

using namespace std::string_literals;

constexpr std::uint64_t kNoLimit = ~std::uint64_t{0};

TEST(MappedFile, MapsContent) {
  TempDir t;
  std::string content = "hello\0world"s;
  for (int i = 0; i < 10000; ++i) content += static_cast<char>(i * 7);
  write_file(t / "f", content);
  auto m = MappedFile::open(t / "f", kNoLimit);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->size(), content.size());
  EXPECT_EQ(m->bytes().size(), content.size());
  EXPECT_EQ(m->bytes().chars(), content);
  EXPECT_GT(m->allocated(), 0u);
}

TEST(MappedFile, EmptyFileGivesEmptyView) {
  TempDir t;
  write_file(t / "empty", "");
  auto m = MappedFile::open(t / "empty", kNoLimit);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->size(), 0u);
  EXPECT_TRUE(m->bytes().empty());
  EXPECT_EQ(m->bytes().data(), nullptr);
}

TEST(MappedFile, FifoIsNotRegularWithoutHanging) {
  TempDir t;
  make_fifo(t / "pipe");
  FifoWatch watch(t / "pipe");  // releases a blocking open, should the O_NONBLOCK path regress
  const auto m = MappedFile::open(t / "pipe", kNoLimit);
  watch.stop();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, Errc::not_regular);
  EXPECT_NE(m.error().message.find(t / "pipe"), std::string::npos);
}

TEST(MappedFile, DirectoryAndDeviceAreNotRegular) {
  TempDir t;
  const auto d = MappedFile::open(t.path(), kNoLimit);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, Errc::not_regular);
  const auto n = MappedFile::open("/dev/null", kNoLimit);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, Errc::not_regular);
}

TEST(MappedFile, MissingFileIsNotFound) {
  TempDir t;
  const auto m = MappedFile::open(t / "missing", kNoLimit);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, Errc::not_found);
  EXPECT_NE(m.error().message.find(t / "missing"), std::string::npos);
  write_file(t / "file", "x");
  const auto below = MappedFile::open(t / "file/below", kNoLimit);
  ASSERT_FALSE(below.ok());
  EXPECT_EQ(below.error().code, Errc::not_found);
}

TEST(MappedFile, SparseFileReportsLowAllocation) {
  TempDir t;
  const std::string p = t / "sparse";
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  constexpr std::uint64_t kSize = 1ULL << 30;
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kSize)), 0);
  ASSERT_EQ(::pwrite(fd, "MZ", 2, 0), 2);
  ::close(fd);
  struct stat sb {};
  ASSERT_EQ(::stat(p.c_str(), &sb), 0);
  if (static_cast<std::uint64_t>(sb.st_blocks) * 512 >= kSize / 2) {
    GTEST_SKIP() << "the file system under " << t.path() << " does not keep sparse files sparse";
  }
  auto m = MappedFile::open(p, kNoLimit);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->size(), kSize);
  EXPECT_EQ(m->bytes().size(), kSize);
  EXPECT_LT(m->allocated(), m->size() / 100);
  EXPECT_EQ(m->allocated(), static_cast<std::uint64_t>(sb.st_blocks) * 512);
  EXPECT_TRUE(m->bytes().starts_with("MZ"));
  EXPECT_EQ(*m->bytes().u8(kSize - 1), 0);  // a hole reads as zeros
}

TEST(MappedFile, MaxBytesLimit) {
  TempDir t;
  write_file(t / "ten", "0123456789");
  const auto big = MappedFile::open(t / "ten", 9);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, Errc::too_large);
  EXPECT_NE(big.error().message.find("10"), std::string::npos) << big.error().message;
  const auto exact = MappedFile::open(t / "ten", 10);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->size(), 10u);
  write_file(t / "empty", "");
  EXPECT_TRUE(MappedFile::open(t / "empty", 0).ok());
}

TEST(MappedFile, SymlinkFollowedOnlyWhenAsked) {
  TempDir t;
  write_file(t / "target", "abc");
  make_symlink("target", t / "link");
  const auto followed = MappedFile::open(t / "link", kNoLimit, true);
  ASSERT_TRUE(followed.ok()) << followed.error().message;
  EXPECT_EQ(followed->bytes().chars(), "abc");
  const auto refused = MappedFile::open(t / "link", kNoLimit, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::loop);  // O_NOFOLLOW reports ELOOP
  const auto plain = MappedFile::open(t / "target", kNoLimit, false);
  ASSERT_TRUE(plain.ok());
}

TEST(MappedFile, UnreadableFileIsPermission) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: file permissions do not apply";
  TempDir t;
  write_file(t / "closed", "x");
  ASSERT_EQ(::chmod((t / "closed").c_str(), 0), 0);
  const auto m = MappedFile::open(t / "closed", kNoLimit);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, Errc::permission);
}

TEST(MappedFile, MoveTransfersTheMapping) {
  TempDir t;
  write_file(t / "a", "first");
  write_file(t / "b", "second!");
  auto a = MappedFile::open(t / "a", kNoLimit);
  auto b = MappedFile::open(t / "b", kNoLimit);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  MappedFile moved(std::move(*a));
  EXPECT_EQ(moved.bytes().chars(), "first");
  EXPECT_EQ(a->size(), 0u);
  EXPECT_TRUE(a->bytes().empty());
  moved = std::move(*b);
  EXPECT_EQ(moved.bytes().chars(), "second!");
  EXPECT_EQ(moved.size(), 7u);
  EXPECT_TRUE(b->bytes().empty());
  MappedFile empty;
  EXPECT_TRUE(empty.bytes().empty());
  EXPECT_EQ(empty.size(), 0u);
}

TEST(MappedFile, MappingOutlivesTheDirectoryEntry) {
  TempDir t;
  write_file(t / "gone", "still here");
  auto m = MappedFile::open(t / "gone", kNoLimit);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(::unlink((t / "gone").c_str()), 0);
  EXPECT_EQ(m->bytes().chars(), "still here");
}

// ------------------------------------------------------------------ errno mapping

TEST(Errno, CodeMapping) {
  EXPECT_EQ(errno_code(ENOENT), Errc::not_found);
  EXPECT_EQ(errno_code(ENOTDIR), Errc::not_found);
  EXPECT_EQ(errno_code(EACCES), Errc::permission);
  EXPECT_EQ(errno_code(EPERM), Errc::permission);
  EXPECT_EQ(errno_code(ELOOP), Errc::loop);
  EXPECT_EQ(errno_code(EFBIG), Errc::too_large);
  EXPECT_EQ(errno_code(EOVERFLOW), Errc::too_large);
  EXPECT_EQ(errno_code(EIO), Errc::io);
  EXPECT_EQ(errno_code(0), Errc::io);
}

TEST(Errno, TextNamesThePathInBothLanguages) {
  for (const int err : {ENOENT, ENOTDIR, EACCES, EPERM, ELOOP, EIO, EMFILE}) {
    const Text t = errno_text(err, "/x/evidence.eml");
    EXPECT_EQ(t.en.rfind("/x/evidence.eml: ", 0), 0u) << t.en;
    EXPECT_EQ(t.ja.rfind("/x/evidence.eml: ", 0), 0u) << t.ja;
    EXPECT_GT(t.en.size(), std::string("/x/evidence.eml: ").size());
    EXPECT_NE(t.en, t.ja);
  }
  EXPECT_NE(errno_text(ENOENT, "p").en.find("no such file"), std::string::npos);
  EXPECT_NE(errno_text(EACCES, "p").en.find("permission denied"), std::string::npos);
}

}  // namespace
}  // namespace emoguard::io
