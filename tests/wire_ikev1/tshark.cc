#include "tests/wire_ikev1/tshark.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ikesuite::v1::testing {

namespace {

bool have(const char* tool) {
  std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// text2pcap's input: an offset, then the bytes in hex, 16 per line; a blank line ends a packet.
std::string hexdump(const std::vector<Bytes>& datagrams) {
  std::string out;
  char buf[32];
  for (const auto& d : datagrams) {
    for (size_t i = 0; i < d.size(); ++i) {
      if (i % 16 == 0) {
        if (i) out += '\n';
        std::snprintf(buf, sizeof buf, "%06zx", i);
        out += buf;
      }
      std::snprintf(buf, sizeof buf, " %02x", static_cast<unsigned>(d[i]));
      out += buf;
    }
    out += "\n\n";
  }
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<std::vector<std::string>> dissect(const std::vector<Bytes>& datagrams) {
  for (const char* tool : {"tshark", "text2pcap"})
    if (!have(tool))
      return Error(ErrorCode::kNotFound,
                   std::string(tool) +
                       " is not installed: the Wireshark cross-check needs it (run `make test`, "
                       "or scripts/setup.sh test, which installs tshark)");
  char dir_template[] = "/tmp/ikesuite-tshark-XXXXXX";
  if (!mkdtemp(dir_template)) return Error(ErrorCode::kSystem, "mkdtemp failed");
  std::filesystem::path dir = dir_template;
  {
    std::ofstream hex_out(dir / "in.txt");
    hex_out << hexdump(datagrams);
  }
  std::string cmd = "text2pcap -q -u 500,500 '" + (dir / "in.txt").string() + "' '" +
                    (dir / "out.pcap").string() + "' >'" + (dir / "text2pcap.log").string() +
                    "' 2>&1 && tshark -n -r '" + (dir / "out.pcap").string() + "' -V >'" +
                    (dir / "tshark.txt").string() + "' 2>'" + (dir / "tshark.err").string() + "'";
  int rc = std::system(cmd.c_str());
  std::string text = read_file(dir / "tshark.txt");
  std::string err = read_file(dir / "text2pcap.log") + read_file(dir / "tshark.err");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (rc != 0) return Error(ErrorCode::kSystem, "text2pcap/tshark failed: " + err);

  std::vector<std::string> frames;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("Frame ", 0) == 0) frames.emplace_back();
    if (!frames.empty()) frames.back() += line + "\n";
  }
  if (frames.size() != datagrams.size())
    return Error(ErrorCode::kInternal, "tshark shows " + std::to_string(frames.size()) +
                                           " frames for " + std::to_string(datagrams.size()) +
                                           " datagrams: " + err);
  return frames;
}

std::vector<std::string> isakmp_payloads(const std::string& frame) {
  std::vector<std::string> out;
  std::istringstream lines(frame);
  std::string line;
  bool in_isakmp = false;
  const std::string kPrefix = "    Payload: ";
  while (std::getline(lines, line)) {
    if (line.rfind("Internet Security Association and Key Management Protocol", 0) == 0) {
      in_isakmp = true;
      continue;
    }
    if (in_isakmp && line.rfind(kPrefix, 0) == 0) out.push_back(line.substr(kPrefix.size()));
  }
  return out;
}

std::vector<std::string> problems(const std::string& frame) {
  std::vector<std::string> out;
  std::istringstream lines(frame);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("Malformed") != std::string::npos ||
        line.find("Expert Info (Error") != std::string::npos ||
        line.find("Expert Info (Warning") != std::string::npos)
      out.push_back(line);
  }
  return out;
}

}  // namespace ikesuite::v1::testing
