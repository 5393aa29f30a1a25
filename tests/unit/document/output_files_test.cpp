// Tests io::safe_component and io::write_new_file, used to extract VBA modules: hostile names,
// long Japanese names, nested folders, no overwriting, no writing through a planted symlink.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "emoguard/text.hpp"
#include "io/output_files.hpp"
#include "office_builders.hpp"

namespace emoguard::io {
namespace {

using namespace std::literals;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "emoguard-doc-ut-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string slurp(const std::string& path) {
  auto s = emoguard::testing::read_whole_file(path);
  if (!s) throw std::runtime_error("cannot read " + path);
  return *s;
}
void spit(const std::string& path, const std::string& data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  const auto n = ::write(fd, data.data(), data.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(data.size())) throw std::runtime_error("short write " + path);
}

// What every safe component must be, whatever the input.
::testing::AssertionResult is_safe(const std::string& c) {
  if (c.empty()) return ::testing::AssertionFailure() << "empty";
  if (c.size() > 120) return ::testing::AssertionFailure() << "longer than 120 bytes: " << c.size();
  if (c == "." || c == "..") return ::testing::AssertionFailure() << "dot name " << c;
  if (c.front() == '.') return ::testing::AssertionFailure() << "leading dot: " << c;
  for (const char ch : c) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '/' || ch == '\\' || u < 0x20 || u == 0x7F) return ::testing::AssertionFailure() << "bad byte 0x" << std::hex << int{u} << " in " << c;
  }
  if (!text::is_valid_utf8(c)) return ::testing::AssertionFailure() << "invalid UTF-8: " << c;
  return ::testing::AssertionSuccess();
}

TEST(SafeComponent, Separators) {
  EXPECT_TRUE(is_safe(safe_component("../x")));
  EXPECT_EQ(safe_component("../x").find('/'), std::string::npos);
  EXPECT_EQ(safe_component("a/b"), "a_b");
  EXPECT_EQ(safe_component("a\\b"), "a_b");
  EXPECT_EQ(safe_component("C:\\Windows\\evil.dll"), "C__Windows_evil.dll");
  EXPECT_EQ(safe_component("a:b*c?d\"e<f>g|h"), "a_b_c_d_e_f_g_h");
  for (const std::string& s : {"."s, ".."s, "..."s, "/"s, "./"s, "../../etc/passwd"s, ".hidden"s, " .x"s}) {
    EXPECT_TRUE(is_safe(safe_component(s))) << s << " -> " << safe_component(s);
  }
}

TEST(SafeComponent, ControlCharacters) {
  EXPECT_EQ(safe_component("a\nb\tc\rd"), "a_b_c_d");
  EXPECT_EQ(safe_component("x\x7Fy"), "x_y");
  EXPECT_EQ(safe_component(std::string("nul\0byte", 8)), "nul_byte");
  EXPECT_EQ(safe_component("Module1"), "Module1");
  EXPECT_EQ(safe_component("モジュール1"), "モジュール1");  // UTF-8 kept
}

TEST(SafeComponent, Empty) {
  EXPECT_EQ(safe_component(""), "_");
  EXPECT_TRUE(is_safe(safe_component("")));
}

TEST(SafeComponent, LongJapaneseNameIsCutAtACodePoint) {
  std::string name;
  while (name.size() < 300) name += "表示";  // 3 bytes per character
  ASSERT_EQ(name.size(), 300u);
  const std::string c = safe_component(name);
  EXPECT_TRUE(is_safe(c)) << c;
  EXPECT_GE(c.size(), 114u);  // not cut much shorter than needed
  EXPECT_EQ(c.size() % 3, 0u);
  EXPECT_EQ(name.compare(0, c.size(), c), 0);  // a prefix of the name
  // Mixed widths: ASCII then 4-byte characters, so that 120 falls inside one.
  std::string mixed = "a";
  while (mixed.size() < 300) mixed += "\xF0\x9F\x98\x80";  // U+1F600
  const std::string m = safe_component(mixed);
  EXPECT_TRUE(is_safe(m)) << m.size();
  EXPECT_EQ(mixed.compare(0, m.size(), m), 0);
  EXPECT_GE(m.size(), 113u);
}

TEST(WriteNewFile, CreatesNestedFolders) {
  TempDir t;
  const std::string dir = t.path() + "/a/b/c";
  auto r = write_new_file(dir, "Module1.bas", "Sub A()\r\nEnd Sub\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, dir + "/Module1.bas");
  EXPECT_EQ(slurp(*r), "Sub A()\r\nEnd Sub\r\n");
  struct stat st {};
  ASSERT_EQ(::stat((t.path() + "/a/b").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST(WriteNewFile, NeverOverwrites) {
  TempDir t;
  auto a = write_new_file(t.path(), "Module1.bas", "first");
  auto b = write_new_file(t.path(), "Module1.bas", "second");
  auto c = write_new_file(t.path(), "Module1.bas", "third");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, t.path() + "/Module1.bas");
  EXPECT_EQ(*b, t.path() + "/Module1-2.bas");
  EXPECT_EQ(*c, t.path() + "/Module1-3.bas");
  EXPECT_EQ(slurp(*a), "first");
  EXPECT_EQ(slurp(*b), "second");
  EXPECT_EQ(slurp(*c), "third");
  // Names without an extension, or with only a leading dot.
  auto d = write_new_file(t.path(), "README", "x");
  auto e = write_new_file(t.path(), "README", "y");
  ASSERT_TRUE(d.ok() && e.ok());
  EXPECT_EQ(*e, t.path() + "/README-2");
  // An existing file the user made is left alone.
  spit(t.path() + "/mine.txt", "user data");
  auto f = write_new_file(t.path(), "mine.txt", "ours");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, t.path() + "/mine-2.txt");
  EXPECT_EQ(slurp(t.path() + "/mine.txt"), "user data");
}

TEST(WriteNewFile, RefusesToWriteThroughASymlink) {
  TempDir t;
  const std::string target = t.path() + "/victim.txt";
  spit(target, "precious");
  const std::string out = t.path() + "/out";
  ASSERT_EQ(::mkdir(out.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(target.c_str(), (out + "/Module1.bas").c_str()), 0);
  auto r = write_new_file(out, "Module1.bas", "attacker-controlled macro text");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(*r, out + "/Module1.bas");
  EXPECT_EQ(slurp(*r), "attacker-controlled macro text");
  EXPECT_EQ(slurp(target), "precious");
  // A dangling symlink is not followed to create its target either.
  const std::string ghost = t.path() + "/ghost.txt";
  ASSERT_EQ(::symlink(ghost.c_str(), (out + "/Module2.bas").c_str()), 0);
  auto g = write_new_file(out, "Module2.bas", "x");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, out + "/Module2-2.bas");
  EXPECT_FALSE(std::filesystem::exists(ghost));
}

TEST(WriteNewFile, FolderPathThatIsAFile) {
  TempDir t;
  spit(t.path() + "/file", "x");
  auto r = write_new_file(t.path() + "/file", "a.bas", "y");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(slurp(t.path() + "/file"), "x");
}

TEST(SafeComponentMore, WindowsDeviceNamesAreNeverUsedAsIs) {
  EXPECT_EQ(safe_component("CON"), "_CON");
  EXPECT_EQ(safe_component("nul.bas"), "_nul.bas");
  EXPECT_EQ(safe_component("Com1.cls"), "_Com1.cls");
  EXPECT_EQ(safe_component("CONSOLE.bas"), "CONSOLE.bas");  // only the exact device names
}

TEST(SafeComponentMore, InvalidUtf8BecomesPercentEscapes) {
  const std::string out = safe_component("mod\xFF\x83\x70");
  EXPECT_EQ(out, "mod%FF%83p");
  EXPECT_TRUE(text::is_valid_utf8(out));
}

TEST(SafeComponentMore, TrailingDotsAndSpacesAreReplaced) {
  EXPECT_EQ(safe_component("Module1. ."), "Module1___");
  EXPECT_EQ(safe_component(".."), "__");
}

TEST(SafeComponentMore, CutKeepsACharacterThatEndsExactlyAtTheLimit) {
  // 40 three-byte characters end exactly at byte 120: all of them stay.
  std::string name;
  for (int i = 0; i < 41; ++i) name += "\xE3\x83\x91";  // パ
  const std::string out = safe_component(name);
  EXPECT_EQ(out.size(), 120u);
  EXPECT_TRUE(text::is_valid_utf8(out));
  // One ASCII byte first: the 40th character would end at byte 121, so it goes.
  const std::string out2 = safe_component("a" + name);
  EXPECT_EQ(out2.size(), 118u);
  EXPECT_TRUE(text::is_valid_utf8(out2));
}

}  // namespace
}  // namespace emoguard::io
