// Mail writers: RFC 5322/MIME messages with attachments (.eml), Word-style MHTML (.mht), mbox.
#pragma once

#include <string>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

struct MailAttachment {
  std::string file_name;  // UTF-8; encoded per RFC 2231 when not ASCII
  std::string content_type = "application/octet-stream";
  Bytes data;
};

struct MailMessage {
  std::string from;  // "Name <addr@example.invalid>"; non-ASCII display names are RFC 2047 encoded
  std::string to;
  std::string subject;
  std::string date = "Wed, 02 Nov 2022 18:15:00 +0900";
  std::string message_id;             // without <>; derived from the subject when empty
  std::string body;                   // UTF-8 text/plain
  std::vector<std::string> received;  // Received: header values, newest first
  std::vector<MailAttachment> attachments;
};

// A complete message with CRLF line ends, multipart/mixed when it has attachments (base64).
[[nodiscard]] Bytes eml(const MailMessage& m);
// "Single File Web Page" as Word saves it: MIME headers with multipart/related and no address
// fields, an HTML part and an image part. Office opens it even when it is named .doc.
[[nodiscard]] Bytes mhtml_document(const std::string& title, const std::string& html_body);
// A web page saved by a browser ("Save as MHTML"): it has From and Subject fields like a mail,
// with "<Saved by Blink>" as the sender and a Snapshot-Content-Location.
[[nodiscard]] Bytes saved_web_page(const std::string& url, const std::string& title, const std::string& html_body);
// Unix mailbox: each message behind a "From " line, LF line ends, body lines starting with
// "From " quoted as ">From ".
[[nodiscard]] Bytes mbox(const std::vector<MailMessage>& messages);

// RFC 2047 encoded-word (UTF-8, base64) when s is not ASCII, else s itself.
[[nodiscard]] std::string mime_word(const std::string& s);

}  // namespace emoguard::fixturegen
