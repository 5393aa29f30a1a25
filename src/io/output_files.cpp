// write_new_file: O_CREAT|O_EXCL so that no existing file, or symlink planted in the output
// folder, is ever written through.
#include "io/output_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "emoguard/text.hpp"

namespace emoguard::io {

std::string safe_component(std::string_view raw) {
  // Bytes that are not UTF-8 become %XX, so every name is valid text on any file system.
  std::string name;
  if (text::is_valid_utf8(raw)) {
    name = std::string(raw);
  } else {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char c : raw) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x80) name += c;
      else name += std::string{'%', kHex[u >> 4], kHex[u & 15]};
    }
  }
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|' || u == 0x7F) {
      out += '_';
    } else {
      out += c;
    }
  }
  for (auto& c : out) {
    if (c != '.' && c != ' ') break;
    c = '_';  // no hidden files, no "..", no leading blanks
  }
  for (auto it = out.rbegin(); it != out.rend() && (*it == '.' || *it == ' '); ++it) *it = '_';  // Windows drops these
  if (out.size() > 120) {
    // Cut at a code-point boundary: keep the last character only if it ends by byte 120.
    std::size_t cut = 120;
    std::size_t lead = cut;
    while (lead > 0 && (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80) --lead;
    if (lead > 0) {
      const auto b = static_cast<unsigned char>(out[lead - 1]);
      const std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      if (lead - 1 + len > cut) cut = lead - 1;
    }
    out.resize(cut);
  }
  // Names Windows reserves for devices, with or without an extension.
  static const char* const kReserved[] = {"con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
                                          "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9"};
  const std::string stem = text::to_lower_ascii(out.substr(0, out.find('.')));
  for (const char* r : kReserved) {
    if (stem == r) {
      out.insert(out.begin(), '_');
      break;
    }
  }
  if (out.empty()) out = "_";
  return out;
}

namespace {
Result<void> make_dirs(const std::string& dir) {
  std::string cur;
  std::size_t pos = 0;
  while (pos <= dir.size()) {
    const auto next = dir.find('/', pos);
    cur = dir.substr(0, next == std::string::npos ? dir.size() : next);
    pos = next == std::string::npos ? dir.size() + 1 : next + 1;
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) {
      return make_error(Errc::io, cur + ": cannot create folder: " + std::strerror(errno));
    }
  }
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return make_error(Errc::io, dir + ": not a folder");
  return {};
}
}  // namespace

Result<std::string> write_new_file(const std::string& dir, const std::string& name, std::string_view data) {
  if (auto r = make_dirs(dir); !r) return r.error();
  const auto dot = name.rfind('.');
  const std::string stem = dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos || dot == 0 ? "" : name.substr(dot);
  for (int n = 1; n < 10000; ++n) {
    const std::string path = dir + "/" + (n == 1 ? name : stem + "-" + std::to_string(n) + ext);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return make_error(Errc::io, path + ": cannot create: " + std::strerror(errno));
    }
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t w = ::write(fd, data.data() + done, data.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return make_error(Errc::io, path + ": write failed: " + std::strerror(err));
      }
      done += static_cast<std::size_t>(w);
    }
    if (::close(fd) != 0) return make_error(Errc::io, path + ": close failed: " + std::strerror(errno));
    return path;
  }
  return make_error(Errc::limit, dir + "/" + name + ": too many files of that name");
}

}  // namespace emoguard::io
