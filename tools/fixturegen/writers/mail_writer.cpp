// Mail writers. Boundaries and Message-IDs derive from the content, never from time or randomness,
// so the same message is the same bytes on every run.
#include "writers/mail_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace emoguard::fixturegen {
namespace {

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// "表示名 <a@b>" → "=?UTF-8?B?...?= <a@b>".
std::string address_header(const std::string& v) {
  const auto lt = v.find('<');
  if (lt == std::string::npos || is_ascii(v)) return v;
  std::string name = v.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return mime_word(name) + " " + v.substr(lt);
}

// Encodes a long base64 body in 76-column CRLF lines (RFC 2045).
std::string b64_body(std::string_view data) {
  return base64(data, 76) + "\r\n";
}

std::string rfc2231_filename(const std::string& name) {
  if (is_ascii(name)) return "filename=\"" + name + "\"";
  std::string out = "filename*=UTF-8''";
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '-' || c == '_')
      out.push_back(c);
    else
      out += fmt::format("%{:02X}", u);
  }
  return out;
}

}  // namespace

std::string mime_word(const std::string& s) {
  if (is_ascii(s)) return s;
  return "=?UTF-8?B?" + base64(s) + "?=";
}

Bytes eml(const MailMessage& m) {
  const std::uint64_t h = fnv1a(m.subject, fnv1a(m.body));
  const std::string mid = m.message_id.empty() ? fmt::format("{:016x}@mail.example.invalid", h) : m.message_id;
  std::string s;
  for (const auto& r : m.received) s += "Received: " + r + "\r\n";
  s += "From: " + address_header(m.from) + "\r\n";
  s += "To: " + address_header(m.to) + "\r\n";
  s += "Subject: " + mime_word(m.subject) + "\r\n";
  s += "Date: " + m.date + "\r\n";
  s += "Message-ID: <" + mid + ">\r\n";
  s += "MIME-Version: 1.0\r\n";
  const std::string text_part =
      "Content-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64_body(m.body);
  if (m.attachments.empty()) return s + text_part;
  const std::string boundary = fmt::format("----=_Part_{:016x}", h);
  s += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  s += "This is a multi-part message in MIME format.\r\n\r\n";
  s += "--" + boundary + "\r\n" + text_part;
  for (const auto& a : m.attachments) {
    const std::string fn = rfc2231_filename(a.file_name);
    s += "--" + boundary + "\r\n";
    s += "Content-Type: " + a.content_type + "; name=\"" + mime_word(a.file_name) + "\"\r\n";
    s += "Content-Transfer-Encoding: base64\r\n";
    s += "Content-Disposition: attachment; " + fn + "\r\n\r\n";
    s += b64_body(a.data);
  }
  s += "--" + boundary + "--\r\n";
  return s;
}

Bytes mhtml_document(const std::string& title, const std::string& html_body) {
  const std::string boundary =
      fmt::format("----=_NextPart_01D8EE7A.{:08X}", static_cast<std::uint32_t>(fnv1a(title + html_body)));
  std::string s = "MIME-Version: 1.0\r\n";
  s += "Content-Type: multipart/related; boundary=\"" + boundary + "\"\r\n\r\n";
  s += "This document is a Single File Web Page, also known as a Web Archive file.  If you are seeing this message, your browser "
       "or "
       "editor doesn't support Web Archive files.  Please download a browser that supports Web Archive.\r\n\r\n";
  s += "--" + boundary + "\r\n";
  s += "Content-Location: file:///C:/D0C1A2B3/report.htm\r\n";
  s += "Content-Transfer-Encoding: quoted-printable\r\n";
  s += "Content-Type: text/html; charset=\"us-ascii\"\r\n\r\n";
  s += "<html xmlns:o=3D\"urn:schemas-microsoft-com:office:office\" xmlns:w=3D\"urn:schemas-microsoft-com:office:word\">\r\n";
  s += "<head><meta name=3DProgId content=3DWord.Document><title>" + title + "</title></head>\r\n";
  s += "<body lang=3DJA><p class=3DMsoNormal>" + html_body + "</p>\r\n";
  s += "<img src=3D\"report_files/image001.png\"></body></html>\r\n\r\n";
  s += "--" + boundary + "\r\n";
  s += "Content-Location: file:///C:/D0C1A2B3/report_files/image001.png\r\n";
  s += "Content-Transfer-Encoding: base64\r\n";
  s += "Content-Type: image/png\r\n\r\n";
  Bytes png = "\x89PNG\r\n\x1A\n";
  put_u32be(png, 13);
  png += "IHDR";
  put_u32be(png, 1);
  put_u32be(png, 1);
  png += std::string("\x08\x06\x00\x00\x00", 5);
  put_u32be(png, crc32(std::string_view(png).substr(12)));
  s += b64_body(png);
  s += "--" + boundary + "--\r\n";
  return s;
}

Bytes saved_web_page(const std::string& url, const std::string& title, const std::string& html_body) {
  const std::string boundary = fmt::format("----MultipartBoundary--{:016x}----", fnv1a(url + title + html_body));
  std::string s = "From: <Saved by Blink>\r\n";
  s += "Snapshot-Content-Location: " + url + "\r\n";
  s += "Subject: " + mime_word(title) + "\r\n";
  s += "Date: Wed, 2 Nov 2022 09:15:00 -0000\r\n";
  s += "MIME-Version: 1.0\r\n";
  s += "Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"" + boundary + "\"\r\n\r\n\r\n";
  s += "--" + boundary + "\r\n";
  s += "Content-Type: text/html\r\nContent-ID: <frame-0@mhtml.blink>\r\nContent-Transfer-Encoding: base64\r\n";
  s += "Content-Location: " + url + "\r\n\r\n";
  s += b64_body("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>" + html_body +
                "</body></html>");
  s += "\r\n--" + boundary + "--\r\n";
  return s;
}

Bytes mbox(const std::vector<MailMessage>& messages) {
  std::string out;
  for (const auto& m : messages) {
    std::string addr = m.from;
    if (const auto lt = addr.find('<'); lt != std::string::npos) addr = addr.substr(lt + 1, addr.find('>') - lt - 1);
    out += "From " + addr + " Wed Nov  2 09:15:00 2022\n";
    std::string msg = eml(m);
    // mbox uses LF line ends and quotes body lines that could be taken for a separator.
    std::string lf;
    for (std::size_t i = 0; i < msg.size(); ++i) {
      if (msg[i] == '\r' && i + 1 < msg.size() && msg[i + 1] == '\n') continue;
      lf.push_back(msg[i]);
    }
    std::size_t pos = 0;
    while (pos < lf.size()) {
      auto end = lf.find('\n', pos);
      if (end == std::string::npos) end = lf.size();
      const std::string_view line(lf.data() + pos, end - pos);
      if (line.substr(0, 5) == "From ") out += ">";
      out += line;
      out += "\n";
      pos = end + 1;
    }
    out += "\n";
  }
  return out;
}

}  // namespace emoguard::fixturegen
