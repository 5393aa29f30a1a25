// Micro benchmark of content-type detection per format: the per-file cost that triage pays.
#include <benchmark/benchmark.h>

#include <string>

#include "io/detect.hpp"

namespace {

using namespace std::string_literals;

std::string ole2_doc() {
  // Header + FAT sector + directory sector naming a WordDocument stream (enough for the sub-type peek).
  std::string b(512 * 3, '\0');
  b.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"s);
  b[0x1E] = 9;
  b[0x30] = 1;   // first directory sector = 1
  b[0x4C] = 0;   // DIFAT[0] = FAT in sector 0
  for (int i = 0; i < 128; ++i) b.replace(512 + i * 4, 4, "\xFF\xFF\xFF\xFF"s);
  b.replace(512, 8, "\xFD\xFF\xFF\xFF\xFE\xFF\xFF\xFF"s);
  const std::u16string names[] = {u"Root Entry", u"WordDocument"};
  for (int e = 0; e < 2; ++e) {
    const std::size_t off = 1024 + e * 128;
    for (std::size_t i = 0; i < names[e].size(); ++i) b[off + i * 2] = static_cast<char>(names[e][i]);
    b[off + 0x40] = static_cast<char>((names[e].size() + 1) * 2);
    b[off + 0x42] = e == 0 ? 5 : 2;
  }
  return b;
}

std::string zeek() {
  std::string s = "#separator \\x09\n#set_separator\t,\n#fields\tts\tuid\tid.orig_h\n";
  for (int i = 0; i < 200; ++i) s += "1613697302.123456\tCabc\t10.0.0.5\n";
  return s;
}

std::string mail() {
  return "Received: from mx.example.invalid\r\nFrom: \"Taro\" <taro@example.invalid>\r\nTo: b@example.invalid\r\n"
         "Subject: =?UTF-8?B?44OR44K544Ov44O844OJ?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n";
}

void run(benchmark::State& state, const std::string& bytes) {
  const emoguard::ByteView v(std::string_view{bytes});
  for (auto _ : state) benchmark::DoNotOptimize(emoguard::io::detect(v));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes.size()));
}

void BM_ole2_doc(benchmark::State& s) { run(s, ole2_doc()); }
void BM_zeek_tsv(benchmark::State& s) { run(s, zeek()); }
void BM_mail(benchmark::State& s) { run(s, mail()); }
void BM_text_64k(benchmark::State& s) { run(s, std::string(64 << 10, 'a')); }
void BM_binary_64k(benchmark::State& s) { run(s, std::string(64 << 10, '\x01')); }

BENCHMARK(BM_ole2_doc);
BENCHMARK(BM_zeek_tsv);
BENCHMARK(BM_mail);
BENCHMARK(BM_text_64k);
BENCHMARK(BM_binary_64k);

}  // namespace
