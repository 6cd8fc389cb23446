#include "pcaps/src/pcap_writer.h"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "pcaps/src/frame.h"

namespace ikesuite::pcap {

struct PcapWriter::Handles {
  pcap_t* dead = nullptr;
  pcap_dumper_t* dumper = nullptr;
  ~Handles() {
    if (dumper) pcap_dump_close(dumper);
    if (dead) pcap_close(dead);
  }
};

PcapWriter::PcapWriter(std::string path, const PcapWriterOptions& options,
                       std::unique_ptr<Handles> h)
    : path_(std::move(path)), options_(options), handles_(std::move(h)) {}

PcapWriter::PcapWriter(PcapWriter&&) noexcept = default;
PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    (void)close();
    path_ = std::move(other.path_);
    options_ = other.options_;
    handles_ = std::move(other.handles_);
    ip_ids_ = std::move(other.ip_ids_);
    packets_ = other.packets_;
  }
  return *this;
}

PcapWriter::~PcapWriter() { (void)close(); }

Result<PcapWriter> PcapWriter::open(const std::string& path, const PcapWriterOptions& options) {
  auto h = std::make_unique<Handles>();
  h->dead = pcap_open_dead_with_tstamp_precision(
      DLT_EN10MB, static_cast<int>(options.snaplen),
      options.nanosecond ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  if (!h->dead) return Error(ErrorCode::kSystem, "pcap_open_dead failed");
  errno = 0;
  h->dumper = options.append ? pcap_dump_open_append(h->dead, path.c_str())
                             : pcap_dump_open(h->dead, path.c_str());
  if (!h->dumper) {
    int e = errno;
    return Error(ErrorCode::kSystem,
                 std::string(options.append ? "cannot append to capture " : "cannot create capture ") +
                     path + ": " + pcap_geterr(h->dead))
        .with_errno(e);
  }
  // The file header must be on disk even if no packet ever follows.
  if (pcap_dump_flush(h->dumper) != 0)
    return Error(ErrorCode::kSystem, "cannot write capture header to " + path).with_errno(errno);
  return PcapWriter(path, options, std::move(h));
}

uint16_t PcapWriter::next_ip_id(const IpAddress& src) {
  uint16_t& id = ip_ids_[src];
  return ++id;  // starts at 1 per source, wraps as IPv4 identifications do
}

Status PcapWriter::write(Time timestamp, const Endpoint& src, const Endpoint& dst,
                         ByteView udp_payload) {
  TRY_ASSIGN(Bytes udp, build_udp(src, dst, udp_payload));
  return write_ip(timestamp, src.addr, dst.addr, kIpProtoUdp, udp);
}

Status PcapWriter::write_ip(Time timestamp, const IpAddress& src, const IpAddress& dst,
                            uint8_t protocol, ByteView payload) {
  uint16_t id = src.is_v4() ? next_ip_id(src) : 0;
  TRY_ASSIGN(Bytes ip, build_ip_packet(src, dst, protocol, payload, id));
  TRY_ASSIGN(Bytes frame, build_ethernet_frame(src, dst, ip));
  return write_frame(timestamp, frame);
}

Status PcapWriter::write_frame(Time timestamp, ByteView frame) {
  if (!handles_ || !handles_->dumper)
    return Error(ErrorCode::kState, "capture " + path_ + " is closed");
  Time absolute = options_.epoch + timestamp;
  if (absolute.count() < 0)
    return Error(ErrorCode::kMalformed, "timestamp before 1970 in capture " + path_);
  int64_t ns = absolute.count();
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(ns / 1000000000);
  int64_t fraction = ns % 1000000000;
  header.ts.tv_usec = static_cast<suseconds_t>(options_.nanosecond ? fraction : fraction / 1000);
  header.len = static_cast<bpf_u_int32>(frame.size());
  header.caplen = static_cast<bpf_u_int32>(
      frame.size() < options_.snaplen ? frame.size() : options_.snaplen);
  pcap_dump(reinterpret_cast<u_char*>(handles_->dumper), &header, frame.data());
  // Flushed per packet so that a killed run loses nothing already recorded.
  if (pcap_dump_flush(handles_->dumper) != 0)
    return Error(ErrorCode::kSystem, "cannot write to capture " + path_).with_errno(errno);
  ++packets_;
  return ok_status();
}

Status PcapWriter::close() {
  if (!handles_) return ok_status();
  Status result = ok_status();
  if (handles_->dumper && pcap_dump_flush(handles_->dumper) != 0)
    result = Error(ErrorCode::kSystem, "cannot flush capture " + path_).with_errno(errno);
  handles_.reset();
  return result;
}

}  // namespace ikesuite::pcap
