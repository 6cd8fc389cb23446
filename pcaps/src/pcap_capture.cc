#include "pcaps/src/pcap_capture.h"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ikesuite::pcap {

struct PcapCapture::Handles {
  pcap_t* pcap = nullptr;
  pcap_dumper_t* dumper = nullptr;
  void close_all() {
    if (dumper) {
      pcap_dump_flush(dumper);
      pcap_dump_close(dumper);
      dumper = nullptr;
    }
    if (pcap) {
      pcap_close(pcap);
      pcap = nullptr;
    }
  }
  ~Handles() { close_all(); }
};

namespace {

struct DispatchContext {
  pcap_dumper_t* dumper;
  std::atomic<uint64_t>* written;
  const std::function<void(Time, ByteView)>* callback;
};

void on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* ctx = reinterpret_cast<DispatchContext*>(user);
  if (ctx->dumper) {
    pcap_dump(reinterpret_cast<u_char*>(ctx->dumper), header, bytes);
    // Per packet, like PcapWriter: a killed run keeps what was captured.
    pcap_dump_flush(ctx->dumper);
  }
  ctx->written->fetch_add(1, std::memory_order_relaxed);
  if (*ctx->callback) {
    Time t = std::chrono::seconds(header->ts.tv_sec) + std::chrono::microseconds(header->ts.tv_usec);
    (*ctx->callback)(t, ByteView(bytes, header->caplen));
  }
}

Error pcap_failure(const std::string& what, pcap_t* p) {
  return Error(ErrorCode::kSystem, what + ": " + pcap_geterr(p));
}

}  // namespace

PcapCapture::PcapCapture(const CaptureOptions& options, std::unique_ptr<Handles> h,
                         LinkType link_type, int fd)
    : options_(options), handles_(std::move(h)), link_type_(link_type), fd_(fd) {}

PcapCapture::~PcapCapture() {
  (void)stop();
  if (wake_read_ >= 0) ::close(wake_read_);
  if (wake_write_ >= 0) ::close(wake_write_);
}

Result<std::unique_ptr<PcapCapture>> PcapCapture::open(const CaptureOptions& options) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto h = std::make_unique<Handles>();
  h->pcap = pcap_create(options.interface.c_str(), errbuf);
  if (!h->pcap)
    return Error(ErrorCode::kSystem, "cannot capture on " + options.interface + ": " + errbuf);
  pcap_set_snaplen(h->pcap, static_cast<int>(options.snaplen));
  pcap_set_promisc(h->pcap, options.promiscuous ? 1 : 0);
  // Immediate mode: no buffering timeout, so packets reach the file (and the selectable
  // descriptor becomes readable) as they arrive.
  pcap_set_immediate_mode(h->pcap, 1);
  int rc = pcap_activate(h->pcap);
  if (rc < 0) {
    std::string why = rc == PCAP_ERROR_PERM_DENIED ? "permission denied (needs CAP_NET_RAW)"
                      : rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface"
                                                        : pcap_geterr(h->pcap);
    return Error(ErrorCode::kSystem, "cannot capture on " + options.interface + ": " + why);
  }
  int dlt = pcap_datalink(h->pcap);
  auto link_type = link_type_from_dlt(dlt);
  if (!link_type)
    return Error(ErrorCode::kUnsupported, "interface " + options.interface +
                                              " has link type " + std::to_string(dlt) +
                                              ", which PcapReader could not read back");
  bpf_program program{};
  if (pcap_compile(h->pcap, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    return pcap_failure("bad capture filter '" + options.filter + "'", h->pcap);
  rc = pcap_setfilter(h->pcap, &program);
  pcap_freecode(&program);
  if (rc != 0) return pcap_failure("cannot install capture filter", h->pcap);
  if (options.direction != CaptureDirection::kBoth &&
      pcap_setdirection(h->pcap, options.direction == CaptureDirection::kIn ? PCAP_D_IN : PCAP_D_OUT) != 0)
    return pcap_failure("cannot select the capture direction", h->pcap);
  if (pcap_setnonblock(h->pcap, 1, errbuf) != 0)
    return Error(ErrorCode::kSystem, std::string("cannot make the capture non-blocking: ") + errbuf);
  int fd = pcap_get_selectable_fd(h->pcap);
  if (fd < 0)
    return Error(ErrorCode::kUnsupported, "capture on " + options.interface +
                                              " has no selectable descriptor");
  if (!options.path.empty()) {
    errno = 0;
    h->dumper = options.append ? pcap_dump_open_append(h->pcap, options.path.c_str())
                               : pcap_dump_open(h->pcap, options.path.c_str());
    if (!h->dumper) return pcap_failure("cannot open capture file " + options.path, h->pcap);
    pcap_dump_flush(h->dumper);
  }

  std::unique_ptr<PcapCapture> capture(new PcapCapture(options, std::move(h), *link_type, fd));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
    return Error(ErrorCode::kSystem, "pipe2 failed").with_errno(errno);
  capture->wake_read_ = pipe_fds[0];
  capture->wake_write_ = pipe_fds[1];
  return capture;
}

Result<size_t> PcapCapture::dispatch() {
  if (!handles_ || !handles_->pcap) return Error(ErrorCode::kState, "capture is stopped");
  DispatchContext ctx{handles_->dumper, &written_, &options_.on_packet};
  size_t total = 0;
  for (;;) {
    errno = 0;
    int n = pcap_dispatch(handles_->pcap, -1, on_packet, reinterpret_cast<u_char*>(&ctx));
    if (n < 0) {
      if (n == PCAP_ERROR_BREAK) break;
      // libpcap's NFLOG reader reports an empty non-blocking socket as an error.
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return pcap_failure("capture on " + options_.interface + " failed", handles_->pcap);
    }
    if (n == 0) break;
    total += static_cast<size_t>(n);
  }
  // pcap_stats is not safe against a concurrent pcap_dispatch on the capture thread.
  if (!threaded_) refresh_pcap_stats();
  return total;
}

void PcapCapture::refresh_pcap_stats() {
  pcap_stat ps{};
  if (handles_ && handles_->pcap && pcap_stats(handles_->pcap, &ps) == 0) {
    received_ = ps.ps_recv;
    dropped_ = ps.ps_drop;
    if_dropped_ = ps.ps_ifdrop;
  }
}

void PcapCapture::run_thread() {
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    int rc = ::poll(fds, 2, -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      thread_error_ = std::string("poll failed: ") + std::strerror(errno);
      return;
    }
    if (fds[1].revents) return;  // stop() asked
    if (fds[0].revents & (POLLERR | POLLNVAL)) {
      thread_error_ = "capture descriptor on " + options_.interface + " failed";
      return;
    }
    auto n = dispatch();
    if (!n.ok()) {
      thread_error_ = n.error().message();
      return;
    }
  }
}

Status PcapCapture::start() {
  if (!handles_ || !handles_->pcap) return Error(ErrorCode::kState, "capture is stopped");
  if (thread_.joinable()) return Error(ErrorCode::kState, "capture thread already running");
  threaded_ = true;
  thread_ = std::thread([this] { run_thread(); });
  return ok_status();
}

Status PcapCapture::stop() {
  if (thread_.joinable()) {
    uint8_t one = 1;
    (void)!::write(wake_write_, &one, 1);
    thread_.join();
    threaded_ = false;
  }
  if (!handles_ || !handles_->pcap) return ok_status();
  // Whatever the kernel buffered between the last wake-up and now still belongs to the run.
  auto drained = dispatch();
  refresh_pcap_stats();
  handles_->close_all();
  fd_ = -1;
  if (!thread_error_.empty()) return Error(ErrorCode::kSystem, thread_error_);
  if (!drained.ok()) return std::move(drained).error();
  return ok_status();
}

CaptureStats PcapCapture::stats() const {
  CaptureStats s;
  s.written = written_.load();
  s.received = received_.load();
  s.dropped = dropped_.load();
  s.if_dropped = if_dropped_.load();
  return s;
}

}  // namespace ikesuite::pcap
