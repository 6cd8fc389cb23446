#include "pcaps/src/pcap_reader.h"

#include <pcap/pcap.h>

#include <utility>

namespace ikesuite::pcap {

struct PcapReader::Handle {
  pcap_t* pcap = nullptr;
  ~Handle() {
    if (pcap) pcap_close(pcap);
  }
};

PcapReader::PcapReader(std::unique_ptr<Handle> h, LinkType link_type, std::string path)
    : handle_(std::move(h)), link_type_(link_type), path_(std::move(path)) {}
PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

Result<PcapReader> PcapReader::open(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto h = std::make_unique<Handle>();
  // Nanosecond precision: libpcap scales microsecond files up, so timestamps come back in
  // one unit whatever the file holds.
  h->pcap = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO,
                                                    errbuf);
  if (!h->pcap) return Error(ErrorCode::kSystem, "cannot open capture " + path + ": " + errbuf);
  int dlt = pcap_datalink(h->pcap);
  auto link_type = link_type_from_dlt(dlt);
  if (!link_type) {
    const char* dlt_name = pcap_datalink_val_to_name(dlt);
    return Error(ErrorCode::kUnsupported,
                 "capture " + path + " has link type " + std::to_string(dlt) +
                     (dlt_name ? std::string(" (") + dlt_name + ")" : std::string()) +
                     "; readable are Ethernet, Linux cooked v1/v2, raw IP and BSD loopback");
  }
  return PcapReader(std::move(h), *link_type, path);
}

Result<std::optional<UdpDatagram>> PcapReader::next() {
  if (!handle_) return Error(ErrorCode::kState, "capture reader was moved from");
  for (;;) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(handle_->pcap, &header, &data);
    if (rc == PCAP_ERROR_BREAK) return std::optional<UdpDatagram>{};
    if (rc != 1)
      return Error(ErrorCode::kSystem, "reading capture " + path_ + " after frame " +
                                           std::to_string(stats_.frames) + ": " +
                                           pcap_geterr(handle_->pcap));
    ++stats_.frames;
    ByteView frame(data, header->caplen);
    auto decoded = decode_frame(link_type_, frame);
    if (!decoded.ok()) {
      bool cut_short = header->caplen < header->len;
      ++(cut_short ? stats_.truncated : stats_.malformed);
      if (stats_.first_error.empty())
        stats_.first_error =
            "frame " + std::to_string(stats_.frames) + ": " + decoded.error().message();
      continue;
    }
    switch (decoded->kind) {
      case FrameKind::kFragment: ++stats_.fragments; continue;
      case FrameKind::kNotUdp: ++stats_.not_udp; continue;
      case FrameKind::kNotIp: ++stats_.not_ip; continue;
      case FrameKind::kUdp: break;
    }
    ++stats_.udp;
    UdpDatagram d;
    d.frame = stats_.frames;
    d.timestamp = std::chrono::seconds(header->ts.tv_sec) +
                  std::chrono::nanoseconds(header->ts.tv_usec);
    d.src = decoded->src;
    d.dst = decoded->dst;
    d.payload.assign(decoded->payload.begin(), decoded->payload.end());
    d.checksum_ok = decoded->checksum_ok;
    return std::optional<UdpDatagram>(std::move(d));
  }
}

Result<std::vector<UdpDatagram>> read_udp_datagrams(const std::string& path, ReadStats* stats) {
  TRY_ASSIGN(PcapReader reader, PcapReader::open(path));
  std::vector<UdpDatagram> out;
  for (;;) {
    TRY_ASSIGN(std::optional<UdpDatagram> d, reader.next());
    if (!d) break;
    out.push_back(std::move(*d));
  }
  if (stats) *stats = reader.stats();
  return out;
}

}  // namespace ikesuite::pcap
