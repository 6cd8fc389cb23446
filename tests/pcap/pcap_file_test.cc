#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/wire/reader.h"
#include "engine/wire/writer.h"
#include "pcaps/src/frame.h"
#include "pcaps/src/pcap_reader.h"
#include "pcaps/src/pcap_writer.h"
#include "tests/pcap/test_util.h"

namespace ikesuite::pcap {
namespace {

using testing::TempDir;
using testing::read_text;

Endpoint ep(const char* addr, uint16_t port) { return Endpoint{*IpAddress::parse(addr), port}; }

// Every frame of a capture, raw, with its timestamp, as libpcap reads it.
struct RawFrame {
  int64_t sec;
  int64_t frac;
  Bytes data;
};
std::vector<RawFrame> raw_frames(const std::string& path, int* dlt = nullptr) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  EXPECT_NE(p, nullptr) << err;
  std::vector<RawFrame> out;
  if (!p) return out;
  if (dlt) *dlt = pcap_datalink(p);
  pcap_pkthdr* h;
  const u_char* d;
  while (pcap_next_ex(p, &h, &d) == 1)
    out.push_back({h->ts.tv_sec, h->ts.tv_usec, Bytes(d, d + h->caplen)});
  pcap_close(p);
  return out;
}

uint16_t ipv4_id(const Bytes& frame) {
  wire::Reader r(frame);
  EXPECT_TRUE(r.skip(14 + 4).ok());
  return r.u16().value_or(0);
}

TEST(PcapWriter, WritesEthernetFramesReadBackExactly) {
  TempDir dir;
  std::string path = dir.file("capture.pcap");
  auto writer = PcapWriter::open(path);
  ASSERT_TRUE(writer.ok()) << writer.error().message();
  Bytes a = to_bytes("IKE_SA_INIT request");
  Bytes b = to_bytes("IKE_SA_INIT response");
  ASSERT_TRUE(writer->write(seconds(0.5), ep("192.0.2.1", 500), ep("192.0.2.2", 500), a).ok());
  ASSERT_TRUE(writer->write(seconds(1.25), ep("192.0.2.2", 500), ep("192.0.2.1", 500), b).ok());
  ASSERT_TRUE(writer->write(seconds(2), ep("2001:db8::1", 4500), ep("2001:db8::2", 4500), a).ok());
  EXPECT_EQ(writer->packets(), 3u);
  ASSERT_TRUE(writer->close().ok());

  int dlt = -1;
  auto frames = raw_frames(path, &dlt);
  EXPECT_EQ(dlt, DLT_EN10MB);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].sec, 1704067200);
  EXPECT_EQ(frames[0].frac, 500000);
  EXPECT_EQ(frames[1].frac, 250000);
  EXPECT_EQ(frames[2].sec, 1704067202);

  ReadStats stats;
  auto datagrams = read_udp_datagrams(path, &stats);
  ASSERT_TRUE(datagrams.ok()) << datagrams.error().message();
  ASSERT_EQ(datagrams->size(), 3u);
  EXPECT_EQ((*datagrams)[0].src, ep("192.0.2.1", 500));
  EXPECT_EQ((*datagrams)[0].dst, ep("192.0.2.2", 500));
  EXPECT_EQ((*datagrams)[0].payload, a);
  EXPECT_EQ((*datagrams)[0].timestamp, kDefaultEpoch + seconds(0.5));
  EXPECT_EQ((*datagrams)[0].frame, 1u);
  EXPECT_EQ((*datagrams)[1].payload, b);
  EXPECT_EQ((*datagrams)[2].src, ep("2001:db8::1", 4500));
  for (const auto& d : *datagrams) EXPECT_EQ(d.checksum_ok, std::optional<bool>(true));
  EXPECT_EQ(stats.frames, 3u);
  EXPECT_EQ(stats.udp, 3u);
  EXPECT_EQ(stats.skipped(), 0u);
}

TEST(PcapWriter, IpIdentificationIncrementsPerSource) {
  TempDir dir;
  auto writer = PcapWriter::open(dir.file("c.pcap"));
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(writer->write(seconds(i), ep("192.0.2.1", 500), ep("192.0.2.2", 500), {}).ok());
    ASSERT_TRUE(writer->write(seconds(i), ep("192.0.2.2", 500), ep("192.0.2.1", 500), {}).ok());
  }
  ASSERT_TRUE(writer->close().ok());
  auto frames = raw_frames(dir.file("c.pcap"));
  ASSERT_EQ(frames.size(), 6u);
  EXPECT_EQ(ipv4_id(frames[0].data), 1);
  EXPECT_EQ(ipv4_id(frames[1].data), 1);
  EXPECT_EQ(ipv4_id(frames[2].data), 2);
  EXPECT_EQ(ipv4_id(frames[4].data), 3);
  EXPECT_EQ(ipv4_id(frames[5].data), 3);
}

TEST(PcapWriter, SameRunSameBytes) {
  TempDir dir;
  for (const char* name : {"one.pcap", "two.pcap"}) {
    auto writer = PcapWriter::open(dir.file(name));
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 10; ++i)
      ASSERT_TRUE(writer->write(seconds(i * 0.1), ep("10.0.0.1", 500), ep("10.0.0.2", 500),
                                Bytes(static_cast<size_t>(i * 7), static_cast<uint8_t>(i)))
                      .ok());
  }
  std::string one = read_text(dir.file("one.pcap"));
  EXPECT_GT(one.size(), 24u);
  EXPECT_EQ(one, read_text(dir.file("two.pcap")));
}

TEST(PcapWriter, EpochIsConfigurable) {
  TempDir dir;
  PcapWriterOptions options;
  options.epoch = Time{0};  // real-clock timestamps are already since the Unix epoch
  auto writer = PcapWriter::open(dir.file("c.pcap"), options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->write(std::chrono::seconds(1700000000) + std::chrono::microseconds(7),
                            ep("10.0.0.1", 500), ep("10.0.0.2", 500), {})
                  .ok());
  EXPECT_FALSE(writer->write(seconds(-1), ep("10.0.0.1", 500), ep("10.0.0.2", 500), {}).ok());
  ASSERT_TRUE(writer->close().ok());
  auto frames = raw_frames(dir.file("c.pcap"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].sec, 1700000000);
  EXPECT_EQ(frames[0].frac, 7);
}

TEST(PcapWriter, NanosecondTimestamps) {
  TempDir dir;
  PcapWriterOptions options;
  options.nanosecond = true;
  auto writer = PcapWriter::open(dir.file("c.pcap"), options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->write(Time{123456789}, ep("10.0.0.1", 500), ep("10.0.0.2", 500), {}).ok());
  ASSERT_TRUE(writer->close().ok());
  auto d = read_udp_datagrams(dir.file("c.pcap"));
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].timestamp, kDefaultEpoch + Time{123456789});
}

TEST(PcapWriter, AppendsToAnExistingCapture) {
  TempDir dir;
  std::string path = dir.file("c.pcap");
  {
    auto writer = PcapWriter::open(path);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->write(seconds(1), ep("10.0.0.1", 500), ep("10.0.0.2", 500), to_bytes("1")).ok());
  }
  PcapWriterOptions append;
  append.append = true;
  {
    auto writer = PcapWriter::open(path, append);
    ASSERT_TRUE(writer.ok()) << writer.error().message();
    ASSERT_TRUE(writer->write(seconds(2), ep("10.0.0.2", 500), ep("10.0.0.1", 500), to_bytes("2")).ok());
    EXPECT_EQ(writer->packets(), 1u);
  }
  auto d = read_udp_datagrams(path);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].payload, to_bytes("1"));
  EXPECT_EQ((*d)[1].payload, to_bytes("2"));

  // A nanosecond file cannot take microsecond records.
  PcapWriterOptions mismatch = append;
  mismatch.nanosecond = true;
  EXPECT_FALSE(PcapWriter::open(path, mismatch).ok());
}

TEST(PcapWriter, EveryPacketIsOnDiskBeforeTheWriterCloses) {
  TempDir dir;
  std::string path = dir.file("c.pcap");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = PcapWriter::open(path);
    if (!writer.ok()) ::_exit(2);
    for (int i = 0; i < 5; ++i)
      if (!writer->write(seconds(i), ep("10.0.0.1", 500), ep("10.0.0.2", 500), to_bytes("x")).ok())
        ::_exit(3);
    ::_exit(0);  // no destructor, no close: like a crash after the last write
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto d = read_udp_datagrams(path);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->size(), 5u);
}

TEST(PcapWriter, FailsCleanly) {
  EXPECT_FALSE(PcapWriter::open("/nonexistent-dir/c.pcap").ok());
  TempDir dir;
  auto writer = PcapWriter::open(dir.file("c.pcap"));
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE(writer->write(seconds(0), ep("10.0.0.1", 500), ep("2001:db8::1", 500), {}).ok());
  ASSERT_TRUE(writer->close().ok());
  auto after = writer->write(seconds(0), ep("10.0.0.1", 500), ep("10.0.0.2", 500), {});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), ErrorCode::kState);
}

TEST(PcapWriter, WritesOtherIpProtocols) {
  TempDir dir;
  auto writer = PcapWriter::open(dir.file("c.pcap"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->write_ip(seconds(0), *IpAddress::parse("10.0.0.1"),
                               *IpAddress::parse("10.0.0.2"), kIpProtoEsp, hex("0000c1a500000001"))
                  .ok());
  ASSERT_TRUE(writer->close().ok());
  ReadStats stats;
  auto d = read_udp_datagrams(dir.file("c.pcap"), &stats);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->empty());
  EXPECT_EQ(stats.not_udp, 1u);
}

// A capture holding a bit of everything a busy veth sees.
TEST(PcapReader, CountsWhatItSkips) {
  TempDir dir;
  std::string path = dir.file("mixed.pcap");
  {
    auto writer = PcapWriter::open(path);
    ASSERT_TRUE(writer.ok());
    Endpoint a = ep("192.0.2.1", 500), b = ep("192.0.2.2", 500);
    ASSERT_TRUE(writer->write(seconds(0), a, b, to_bytes("ike")).ok());
    // ARP
    ASSERT_TRUE(writer->write_frame(seconds(1), hex("ffffffffffff020000000001 0806 0001080006040001")).ok());
    // ICMP
    ASSERT_TRUE(writer->write_ip(seconds(2), a.addr, b.addr, 1, hex("0800f7ff00000000")).ok());
    // an IPv4 fragment (MF set) built by hand
    wire::Writer frag;
    frag.bytes(hex("020000000002020000000001 0800"));
    frag.bytes(hex("4500001c00012000401100000c0000020c000001"));
    frag.bytes(hex("01f401f400080000"));
    ASSERT_TRUE(writer->write_frame(seconds(3), *std::move(frag).finish()).ok());
    // a malformed IPv4 header (IHL 3)
    ASSERT_TRUE(writer->write_frame(seconds(4), hex("020000000002020000000001 0800 4300001c")).ok());
    ASSERT_TRUE(writer->write(seconds(5), b, a, to_bytes("ike again")).ok());
  }
  auto reader = PcapReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message();
  EXPECT_EQ(reader->link_type(), LinkType::Ethernet);
  std::vector<UdpDatagram> got;
  for (;;) {
    auto next = reader->next();
    ASSERT_TRUE(next.ok()) << next.error().message();
    if (!*next) break;
    got.push_back(std::move(**next));
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].frame, 1u);
  EXPECT_EQ(got[1].frame, 6u);
  EXPECT_EQ(got[1].payload, to_bytes("ike again"));
  const ReadStats& s = reader->stats();
  EXPECT_EQ(s.frames, 6u);
  EXPECT_EQ(s.udp, 2u);
  EXPECT_EQ(s.not_ip, 1u);
  EXPECT_EQ(s.not_udp, 1u);
  EXPECT_EQ(s.fragments, 1u);
  EXPECT_EQ(s.malformed, 1u);
  EXPECT_NE(s.first_error.find("frame 5"), std::string::npos) << s.first_error;
  // At the end it stays at the end.
  auto again = reader->next();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST(PcapReader, CountsFramesCutByTheSnapLength) {
  TempDir dir;
  PcapWriterOptions options;
  options.snaplen = 40;
  {
    auto writer = PcapWriter::open(dir.file("c.pcap"), options);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->write(seconds(0), ep("10.0.0.1", 500), ep("10.0.0.2", 500),
                              Bytes(100, 1)).ok());
  }
  ReadStats stats;
  auto d = read_udp_datagrams(dir.file("c.pcap"), &stats);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->empty());
  EXPECT_EQ(stats.truncated, 1u);
}

// Captures from "tcpdump -i any" and raw-IP tools, written with libpcap directly.
void write_with_link_type(const std::string& path, int dlt, ByteView frame) {
  pcap_t* dead = pcap_open_dead(dlt, 65535);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  ASSERT_NE(dumper, nullptr);
  pcap_pkthdr h{};
  h.ts.tv_sec = 1;
  h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper), &h, frame.data());
  pcap_dump_close(dumper);
  pcap_close(dead);
}

TEST(PcapReader, ReadsCookedAndRawCaptures) {
  TempDir dir;
  Bytes udp = *build_udp(ep("10.1.0.1", 500), ep("10.2.0.1", 500), to_bytes("cooked"));
  Bytes packet = *build_ip_packet(*IpAddress::parse("10.1.0.1"), *IpAddress::parse("10.2.0.1"),
                                  kIpProtoUdp, udp, 1);
  struct {
    int dlt;
    Bytes frame;
  } cases[] = {
      {DLT_LINUX_SLL, concat({hex("0004 0001 0006 020000000001 0000 0800"), packet})},
      {DLT_LINUX_SLL2, concat({hex("0800 0000 00000002 0001 04 06 0200000000010000"), packet})},
      {DLT_RAW, packet},
      {DLT_NULL, concat({hex("02000000"), packet})},
  };
  for (const auto& c : cases) {
    std::string path = dir.file("c" + std::to_string(c.dlt) + ".pcap");
    write_with_link_type(path, c.dlt, c.frame);
    auto d = read_udp_datagrams(path);
    ASSERT_TRUE(d.ok()) << c.dlt << ": " << d.error().message();
    ASSERT_EQ(d->size(), 1u) << c.dlt;
    EXPECT_EQ((*d)[0].payload, to_bytes("cooked"));
    EXPECT_EQ((*d)[0].src, ep("10.1.0.1", 500));
  }
}

TEST(PcapReader, RejectsWhatItCannotRead) {
  TempDir dir;
  auto missing = PcapReader::open(dir.file("missing.pcap"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kSystem);

  std::string radiotap = dir.file("wifi.pcap");
  write_with_link_type(radiotap, DLT_IEEE802_11_RADIO, hex("00000800000000"));
  auto wifi = PcapReader::open(radiotap);
  ASSERT_FALSE(wifi.ok());
  EXPECT_EQ(wifi.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(wifi.error().reason().find("127"), std::string::npos) << wifi.error().reason();

  std::string garbage = dir.file("garbage.pcap");
  {
    std::ofstream out(garbage);
    out << "this is not a capture file at all";
  }
  EXPECT_FALSE(PcapReader::open(garbage).ok());

  // A record header promising more bytes than the file has.
  std::string cut = dir.file("cut.pcap");
  {
    auto writer = PcapWriter::open(cut);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->write(seconds(0), ep("10.0.0.1", 500), ep("10.0.0.2", 500), Bytes(200, 0)).ok());
  }
  std::string bytes = read_text(cut);
  {
    std::ofstream out(cut, std::ios::binary | std::ios::trunc);
    out << bytes.substr(0, bytes.size() - 50);
  }
  auto r = PcapReader::open(cut);
  ASSERT_TRUE(r.ok());
  auto next = r->next();
  EXPECT_FALSE(next.ok());
}

}  // namespace
}  // namespace ikesuite::pcap
