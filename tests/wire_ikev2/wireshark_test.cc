// An independent check of what the codec writes: serialized messages go into a pcap
// (text2pcap, UDP 500 and 4500) and Wireshark's dissector (tshark -V) must find every payload
// we put there, with the fields we set, and report nothing malformed. tshark comes with the
// test profile of scripts/setup.sh (`make test` installs it); without it this test fails
// rather than pass silently.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/wire_ikev2/samples.h"

namespace ikesuite::v2 {
namespace {

bool have_command(const char* name) {
  std::string probe = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(probe.c_str()) == 0;
}

// Wireshark's label for each payload type ("Payload: Security Association (33)").
std::string wireshark_label(PayloadType type) {
  switch (type) {
    case PayloadType::SA:
      return "Security Association";
    case PayloadType::KE:
      return "Key Exchange";
    case PayloadType::IDi:
      return "Identification - Initiator";
    case PayloadType::IDr:
      return "Identification - Responder";
    case PayloadType::CERT:
      return "Certificate";
    case PayloadType::CERTREQ:
      return "Certificate Request";
    case PayloadType::AUTH:
      return "Authentication";
    case PayloadType::Nonce:
      return "Nonce";
    case PayloadType::Notify:
      return "Notify";
    case PayloadType::Delete:
      return "Delete";
    case PayloadType::VendorId:
      return "Vendor ID";
    case PayloadType::TSi:
      return "Traffic Selector - Initiator";
    case PayloadType::TSr:
      return "Traffic Selector - Responder";
    case PayloadType::SK:
      return "Encrypted and Authenticated";
    case PayloadType::CP:
      return "Configuration";
    case PayloadType::EAP:
      return "Extensible Authentication";
    case PayloadType::SKF:
      return "Encrypted and Authenticated Fragment";
    case PayloadType::None:
      break;
  }
  return "?";
}

std::string hex_u64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// What tshark must show for a message: per line, the number of times it must occur (0 = at
// least once).
std::map<std::string, size_t> expectations(const Message& m, size_t length) {
  std::map<std::string, size_t> out;
  char buf[64];
  out["Initiator SPI: " + hex_u64(m.header.spi_i)] = 0;
  out["Responder SPI: " + hex_u64(m.header.spi_r)] = 0;
  std::snprintf(buf, sizeof buf, "Message ID: 0x%08x", m.header.message_id);
  out[buf] = 0;
  out["Exchange type: " + to_string(m.header.exchange) + " (" +
      std::to_string(static_cast<int>(m.header.exchange)) + ")"] = 0;
  out["    Length: " + std::to_string(length) + "\n"] = 0;
  std::map<PayloadType, size_t> counts;
  for (const Payload& p : m.payloads) ++counts[p.type];
  for (const auto& [type, n] : counts) {
    // The payload line, counted exactly ("Payload: Notify (41) - COOKIE" starts the same way).
    out["Payload: " + wireshark_label(type) + " (" + std::to_string(static_cast<int>(type)) + ")"] =
        n;
  }
  for (const Payload& p : m.payloads) {
    if (const auto* n = p.as<NotifyPayload>()) {
      out["Notify Message Type: " + to_string(n->type) + " (" +
          std::to_string(static_cast<int>(n->type)) + ")"] = 0;
    } else if (const auto* ts = p.as<TsPayload>()) {
      for (const TrafficSelector& s : ts->selectors) {
        out["Starting Addr: " + s.start_address.to_string() + "\n"] = 0;
        out["Ending Addr: " + s.end_address.to_string() + "\n"] = 0;
      }
    } else if (const auto* sa = p.as<SaPayload>()) {
      for (const Proposal& prop : sa->proposals) {
        if (!prop.spi.empty()) out["SPI: " + to_hex(prop.spi) + "\n"] = 0;
        for (const Transform& t : prop.transforms)
          if (auto bits = t.key_length()) out["Key Length: " + std::to_string(*bits) + "\n"] = 0;
      }
    } else if (const auto* d = p.as<DeletePayload>()) {
      out["Number of SPIs: " + std::to_string(d->spis.size()) + "\n"] = 0;
      for (const Bytes& spi : d->spis) out["SPI: " + to_hex(spi) + "\n"] = 0;
    } else if (const auto* f = p.as<EncryptedFragmentPayload>()) {
      out["Fragment Number: " + std::to_string(f->fragment_number) + "\n"] = 0;
      out["Total Fragments: " + std::to_string(f->total_fragments) + "\n"] = 0;
    } else if (const auto* eap = p.as<EapPayload>()) {
      static const char* kCodes[] = {"", "Request", "Response", "Success", "Failure"};
      auto code = eap->code();
      if (code && static_cast<int>(*code) >= 1 && static_cast<int>(*code) <= 4)
        out[std::string("Code: ") + kCodes[static_cast<int>(*code)] + " (" +
            std::to_string(static_cast<int>(*code)) + ")"] = 0;
    } else if (const auto* ke = p.as<KePayload>()) {
      out["DH Group #: "] = 0;
      (void)ke;
    } else if (const auto* id = p.as<IdPayload>()) {
      if (id->type == IdType::FQDN)
        out["Identification Data:" + std::string(id->data.begin(), id->data.end())] = 0;
    }
  }
  return out;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

// text2pcap's input: each packet as offset-prefixed hex lines; an offset of 0 starts a packet.
void write_hexdump(std::ostream& out, ByteView data) {
  char buf[24];
  for (size_t i = 0; i < data.size(); i += 16) {
    std::snprintf(buf, sizeof buf, "%06zx", i);
    out << buf;
    for (size_t j = i; j < i + 16 && j < data.size(); ++j) {
      std::snprintf(buf, sizeof buf, " %02x", data[j]);
      out << buf;
    }
    out << "\n";
  }
}

class V2Wireshark : public ::testing::Test {
 protected:
  void SetUp() override {
    // Not skipped: the test profile installs tshark, and a missing tool must be visible.
    ASSERT_TRUE(have_command("tshark") && have_command("text2pcap"))
        << "tshark/text2pcap are not installed: run `scripts/setup.sh test` (make test does this)";
    char tmpl[] = "/tmp/ikesuite-wireshark-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  // Dissects the datagrams (sent between `port`s) and returns tshark's text per frame.
  std::vector<std::string> dissect(const std::vector<Bytes>& datagrams, int port) {
    std::vector<std::string> frames;
    {
      std::ofstream dump(dir_ + "/in.txt");
      for (const Bytes& d : datagrams) write_hexdump(dump, d);
    }
    std::string p = std::to_string(port);
    std::string cmd = "text2pcap -q -u " + p + "," + p + " '" + dir_ + "/in.txt' '" + dir_ +
                      "/out.pcap' 2>'" + dir_ + "/text2pcap.err' && tshark -n -r '" + dir_ +
                      "/out.pcap' -V >'" + dir_ + "/out.txt' 2>'" + dir_ + "/tshark.err'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::ifstream in(dir_ + "/out.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    for (size_t pos = text.find("Frame "); pos != std::string::npos;) {
      size_t next = text.find("\nFrame ", pos + 1);
      frames.push_back(
          text.substr(pos, next == std::string::npos ? std::string::npos : next + 1 - pos));
      pos = next == std::string::npos ? next : next + 1;
    }
    return frames;
  }

  void expect_clean(const std::string& frame, const Message& m, size_t length,
                    const std::string& what) {
    EXPECT_EQ(count(frame, "Malformed"), 0u) << what << "\n" << frame;
    EXPECT_EQ(count(frame, "Expert Info (Error"), 0u) << what << "\n" << frame;
    EXPECT_NE(frame.find("Internet Security Association and Key Management Protocol"),
              std::string::npos)
        << what;
    for (const auto& [line, n] : expectations(m, length)) {
      if (n == 0)
        EXPECT_GE(count(frame, line), 1u) << what << ": missing '" << line << "'\n" << frame;
      else
        EXPECT_EQ(count(frame, line), n) << what << ": '" << line << "'\n" << frame;
    }
  }

  std::string dir_;
};

// Every sample message, as sent, plus every SK plaintext chain as if it were sent in the clear
// (so the dissector sees the inner payloads' encodings too).
std::vector<Message> all_to_dissect() {
  std::vector<Message> out = samples::all_messages();
  uint32_t id = 100;
  for (const auto& chain : samples::all_inner_chains()) {
    Message m;
    m.header.spi_i = 0x0102030405060708ULL;
    m.header.spi_r = 0x1112131415161718ULL;
    m.header.exchange = ExchangeType::IkeAuth;
    m.header.flags = kFlagInitiator;
    m.header.message_id = id++;
    m.payloads = chain;
    out.push_back(std::move(m));
  }
  return out;
}

TEST_F(V2Wireshark, DissectsEveryPayloadWeWrite) {
  std::vector<Message> messages = all_to_dissect();
  std::vector<Bytes> datagrams;
  for (const Message& m : messages) datagrams.push_back(serialize(m).value());
  auto frames = dissect(datagrams, 500);
  ASSERT_EQ(frames.size(), messages.size());
  std::map<PayloadType, size_t> seen;
  for (size_t i = 0; i < messages.size(); ++i) {
    expect_clean(frames[i], messages[i], datagrams[i].size(), summary(messages[i]));
    for (const Payload& p : messages[i].payloads) ++seen[p.type];
  }
  // Every payload type the codec knows went through the dissector.
  for (PayloadType t :
       {PayloadType::SA, PayloadType::KE, PayloadType::IDi, PayloadType::IDr, PayloadType::CERT,
        PayloadType::CERTREQ, PayloadType::AUTH, PayloadType::Nonce, PayloadType::Notify,
        PayloadType::Delete, PayloadType::VendorId, PayloadType::TSi, PayloadType::TSr,
        PayloadType::SK, PayloadType::CP, PayloadType::EAP, PayloadType::SKF})
    EXPECT_GT(seen[t], 0u) << to_string(t);
}

TEST_F(V2Wireshark, DissectsThePort4500Framing) {
  // RFC 3948 §2.2: on port 4500 IKE messages carry the four-byte non-ESP marker.
  std::vector<Message> messages = {
      samples::ike_sa_init_request(), samples::fragment(1, 2, 300),
      samples::encrypted(ExchangeType::Informational, 5, true, PayloadType::None, 48)};
  std::vector<Bytes> datagrams;
  for (const Message& m : messages) {
    Bytes d = {0, 0, 0, 0};
    append(d, serialize(m).value());
    datagrams.push_back(std::move(d));
  }
  auto frames = dissect(datagrams, 4500);
  ASSERT_EQ(frames.size(), messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_NE(frames[i].find("Non-ESP Marker"), std::string::npos) << frames[i];
    expect_clean(frames[i], messages[i], datagrams[i].size() - 4, summary(messages[i]));
  }
}

TEST_F(V2Wireshark, TheCheckSeesBrokenMessages) {
  // A control: a payload whose length runs past the message is reported by tshark, so a clean
  // report above means something.
  Bytes broken = serialize(samples::ike_sa_init_cookie()).value();
  broken[28 + 3] += 8;
  auto frames = dissect({broken}, 500);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].find("Malformed") != std::string::npos ||
              frames[0].find("Expert Info (Error") != std::string::npos)
      << frames[0];
  EXPECT_FALSE(parse(broken).ok());
}

}  // namespace
}  // namespace ikesuite::v2
