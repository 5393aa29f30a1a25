// Walker implementation over lstat/opendir; device+inode sets detect loops and repeats.
#include "io/walker.hpp"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <set>
#include <utility>

#include "io/mapped_file.hpp"

namespace emoguard::io {
namespace {

using DevIno = std::pair<std::uint64_t, std::uint64_t>;

std::string kind_of(mode_t m) {
  if (S_ISFIFO(m)) return "FIFO";
  if (S_ISSOCK(m)) return "socket";
  if (S_ISCHR(m)) return "character device";
  if (S_ISBLK(m)) return "block device";
  return "special file";
}

std::string kind_of_ja(mode_t m) {
  if (S_ISFIFO(m)) return "FIFO";
  if (S_ISSOCK(m)) return "ソケット";
  if (S_ISCHR(m)) return "キャラクタデバイス";
  if (S_ISBLK(m)) return "ブロックデバイス";
  return "特殊ファイル";
}

std::string real_path(const std::string& p) {
  std::unique_ptr<char, decltype(&std::free)> r(::realpath(p.c_str(), nullptr), &std::free);
  return r ? std::string(r.get()) : std::string();
}

bool inside(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/');
}

struct State {
  const Limits& limits;
  const Walker::FileFn& on_file;
  const Walker::IssueFn& on_issue;
  std::set<DevIno> dirs;
  std::set<DevIno> files;
  std::uint64_t taken = 0;
  bool limit_reported = false;
};

void issue(State& st, const std::string& path, Errc code, Text msg, bool error, std::string anomaly_code = {}) {
  st.on_issue(WalkIssue{path, code, std::move(msg), error, std::move(anomaly_code)});
}

void take_file(State& st, const std::string& path, const struct stat& sb, bool named) {
  if (!st.files.insert({sb.st_dev, sb.st_ino}).second) return;  // already taken via another name
  if (st.taken >= st.limits.max_files) {
    if (!st.limit_reported) {
      issue(st, path, Errc::limit,
            {"file limit reached (" + std::to_string(st.limits.max_files) + "); remaining files not analysed",
             "ファイル数の上限 (" + std::to_string(st.limits.max_files) + ") に達したため、残りは解析していません"},
            false, "limit.max_files");
      st.limit_reported = true;
    }
    return;
  }
  ++st.taken;
  st.on_file(WalkEntry{path, static_cast<std::uint64_t>(sb.st_size), named});
}

void walk_dir(State& st, const std::string& dir, const std::string& root_real, std::uint32_t depth) {
  if (depth > st.limits.max_dir_depth) {
    issue(st, dir, Errc::limit,
          {"directory depth limit (" + std::to_string(st.limits.max_dir_depth) + ") reached; not descending",
           "ディレクトリの深さの上限 (" + std::to_string(st.limits.max_dir_depth) + ") に達したため、これ以上は辿りません"},
          false, "limit.max_dir_depth");
    return;
  }
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    const int err = errno;
    Text t = errno_text(err, dir);
    t.en += " (directory not read)";
    t.ja += " (ディレクトリを読めません)";
    issue(st, dir, errno_code(err), std::move(t), true);
    return;
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  for (const auto& n : names) {
    const std::string path = prefix + n;
    struct stat lsb{};
    if (::lstat(path.c_str(), &lsb) != 0) {
      const int err = errno;
      issue(st, path, errno_code(err), errno_text(err, path), true);
      continue;
    }
    struct stat sb = lsb;
    if (S_ISLNK(lsb.st_mode)) {
      if (::stat(path.c_str(), &sb) != 0) {
        const int err = errno;
        Text t = errno_text(err, path);
        t.en = path + (err == ELOOP ? ": symlink loop, not followed" : ": broken symlink, not followed");
        t.ja = path + (err == ELOOP ? ": シンボリックリンクがループしているため辿りません" : ": リンク先のないシンボリックリンクです");
        issue(st, path, errno_code(err), std::move(t), false, err == ELOOP ? "walk.symlink_loop" : "walk.symlink_broken");
        continue;
      }
      const std::string target = real_path(path);
      if (target.empty() || !inside(target, root_real)) {
        issue(st, path, Errc::unsupported,
              {path + ": symlink points outside the tree (" + target + "), not followed",
               path + ": ツリーの外を指すシンボリックリンク (" + target + ") のため辿りません"},
              false, "walk.symlink_outside");
        continue;
      }
    }
    if (S_ISDIR(sb.st_mode)) {
      if (!st.dirs.insert({sb.st_dev, sb.st_ino}).second) {
        issue(st, path, Errc::loop,
              {path + ": directory already visited (loop or repeat), not walked again",
               path + ": 既に辿ったディレクトリ (ループまたは重複) のため再度は辿りません"},
              false, "walk.dir_loop");
        continue;
      }
      walk_dir(st, path, root_real, depth + 1);
    } else if (S_ISREG(sb.st_mode)) {
      take_file(st, path, sb, false);
    } else {
      issue(st, path, Errc::not_regular,
            {path + ": " + kind_of(sb.st_mode) + ", not read", path + ": " + kind_of_ja(sb.st_mode) + " のため読みません"},
            false, "walk.not_regular");
    }
  }
}

}  // namespace

void Walker::walk(const std::vector<std::string>& inputs, const FileFn& on_file, const IssueFn& on_issue) {
  State st{limits_, on_file, on_issue, {}, {}, 0, false};
  for (const auto& input : inputs) {
    struct stat sb{};
    if (::stat(input.c_str(), &sb) != 0) {
      const int err = errno;
      issue(st, input, errno_code(err), errno_text(err, input), true);
      continue;
    }
    if (S_ISDIR(sb.st_mode)) {
      if (!st.dirs.insert({sb.st_dev, sb.st_ino}).second) continue;  // the same tree named twice
      walk_dir(st, input, real_path(input), 0);
    } else if (S_ISREG(sb.st_mode)) {
      take_file(st, input, sb, true);
    } else {
      issue(st, input, Errc::not_regular,
            {input + ": is a " + kind_of(sb.st_mode) + ", not a regular file; not read",
             input + ": 通常ファイルではなく " + kind_of_ja(sb.st_mode) + " のため読みません"},
            true);
    }
  }
}

}  // namespace emoguard::io
