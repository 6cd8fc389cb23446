#include "engine/sa/xfrm_backend.h"

// The C library's headers before the kernel's: <linux/in6.h> (pulled in by xfrm.h) then
// leaves out what <netinet/in.h> already defined.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "engine/sa/algorithms.h"
#include "engine/sa/kernel_error.h"
#include "engine/sa/spec_checks.h"

namespace ikesuite::sa {
namespace {

// Dumps come in skbs sized after our receive buffer; 32 KiB holds many states per read.
constexpr size_t kReceiveBuffer = 32768;
// Requests carry at most an SA with three algorithms, keys of a few dozen bytes, encap and
// an ESN bitmap of up to 4 KiB.
constexpr size_t kRequestBuffer = 8192;

// ---- addresses, selectors, lifetimes -------------------------------------------------------

uint16_t family_of(const IpAddress& a) { return a.is_v6() ? AF_INET6 : AF_INET; }

void put_address(const IpAddress& a, xfrm_address_t* out) {
  std::memset(out, 0, sizeof *out);
  ByteView b = a.bytes();
  std::memcpy(out, b.data(), b.size());
}

IpAddress get_address(const xfrm_address_t& a, uint16_t family) {
  const auto* p = reinterpret_cast<const uint8_t*>(&a);
  if (family == AF_INET6) return *IpAddress::from_bytes(ByteView(p, 16));
  if (family == AF_INET) return *IpAddress::from_bytes(ByteView(p, 4));
  return IpAddress();
}

xfrm_selector put_selector(const Selector& s) {
  xfrm_selector out{};
  out.family = family_of(s.src.addr);
  put_address(s.src.first(), &out.saddr);
  put_address(s.dst.first(), &out.daddr);
  out.prefixlen_s = static_cast<uint8_t>(s.src.prefix);
  out.prefixlen_d = static_cast<uint8_t>(s.dst.prefix);
  out.proto = s.ip_protocol;
  out.sport = htons(s.src_port);
  out.sport_mask = s.src_port ? 0xffff : 0;
  out.dport = htons(s.dst_port);
  out.dport_mask = s.dst_port ? 0xffff : 0;
  return out;
}

Selector get_selector(const xfrm_selector& s) {
  Selector out;
  if (s.family != AF_INET && s.family != AF_INET6) return out;
  out.src = Subnet{get_address(s.saddr, s.family), s.prefixlen_s};
  out.dst = Subnet{get_address(s.daddr, s.family), s.prefixlen_d};
  out.ip_protocol = s.proto;
  out.src_port = s.sport_mask ? ntohs(s.sport) : 0;
  out.dst_port = s.dport_mask ? ntohs(s.dport) : 0;
  // The kernel fills an unset SA selector with the SA's family and nothing else: report it
  // as unset, as it was given.
  bool any = out.src.prefix == 0 && out.dst.prefix == 0 && out.ip_protocol == 0 &&
             out.src_port == 0 && out.dst_port == 0 && out.src.addr == out.src.addr.masked(0) &&
             out.dst.addr == out.dst.addr.masked(0);
  return any ? Selector{} : out;
}

// xfrm_lifetime_cfg: 0 means "no limit" for ikesuite, XFRM_INF for the kernel's byte and
// packet limits (a 0 byte limit would expire at once); 0 seconds already means none.
uint64_t put_limit(uint64_t v) { return v == 0 ? XFRM_INF : v; }
uint64_t get_limit(uint64_t v) { return v == XFRM_INF ? 0 : v; }

xfrm_lifetime_cfg put_lifetime(const Lifetime& l) {
  xfrm_lifetime_cfg out{};
  out.soft_byte_limit = put_limit(l.soft_bytes);
  out.hard_byte_limit = put_limit(l.hard_bytes);
  out.soft_packet_limit = put_limit(l.soft_packets);
  out.hard_packet_limit = put_limit(l.hard_packets);
  out.soft_add_expires_seconds = l.soft_add_seconds;
  out.hard_add_expires_seconds = l.hard_add_seconds;
  out.soft_use_expires_seconds = l.soft_use_seconds;
  out.hard_use_expires_seconds = l.hard_use_seconds;
  return out;
}

Lifetime get_lifetime(const xfrm_lifetime_cfg& l) {
  Lifetime out;
  out.soft_bytes = get_limit(l.soft_byte_limit);
  out.hard_bytes = get_limit(l.hard_byte_limit);
  out.soft_packets = get_limit(l.soft_packet_limit);
  out.hard_packets = get_limit(l.hard_packet_limit);
  out.soft_add_seconds = l.soft_add_expires_seconds;
  out.hard_add_seconds = l.hard_add_expires_seconds;
  out.soft_use_seconds = l.soft_use_expires_seconds;
  out.hard_use_seconds = l.hard_use_expires_seconds;
  return out;
}

uint8_t put_mode(Mode m) { return m == Mode::Tunnel ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT; }

uint8_t put_direction(Direction d) {
  switch (d) {
    case Direction::In: return XFRM_POLICY_IN;
    case Direction::Out: return XFRM_POLICY_OUT;
    case Direction::Fwd: return XFRM_POLICY_FWD;
  }
  return XFRM_POLICY_OUT;
}

std::optional<Protocol> get_protocol(uint8_t p) {
  if (p == IPPROTO_ESP) return Protocol::ESP;
  if (p == IPPROTO_AH) return Protocol::AH;
  return std::nullopt;
}

Time unix_seconds(uint64_t s) { return std::chrono::seconds(static_cast<int64_t>(s)); }

// ---- building requests ---------------------------------------------------------------------

class Request {
 public:
  Request(uint16_t type, uint16_t flags) : buf_(kRequestBuffer, 0) {
    nlh_ = mnl_nlmsg_put_header(buf_.data());
    nlh_->nlmsg_type = type;
    nlh_->nlmsg_flags = flags;
  }
  template <typename T>
  T* header() {
    return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
  }
  void attr(uint16_t type, const void* data, size_t len) {
    if (!mnl_attr_put_check(nlh_, buf_.size(), type, len, data)) overflow_ = true;
  }
  void attr(uint16_t type, const Bytes& data) { attr(type, data.data(), data.size()); }
  bool overflow() const { return overflow_; }
  nlmsghdr* nlh() { return nlh_; }

 private:
  std::vector<char> buf_;
  nlmsghdr* nlh_;
  bool overflow_ = false;
};

// struct xfrm_algo / xfrm_algo_auth / xfrm_algo_aead: a 64-byte name, the key length in bits,
// (a truncation or ICV length), then the key.
template <typename T>
Bytes algo_attr(const std::string& name, const Bytes& key, void (*extra)(T&, uint32_t),
                uint32_t extra_value) {
  Bytes out(sizeof(T) + key.size(), 0);
  T head{};
  std::strncpy(head.alg_name, name.c_str(), sizeof head.alg_name - 1);
  head.alg_key_len = static_cast<unsigned int>(key.size() * 8);
  if (extra) extra(head, extra_value);
  std::memcpy(out.data(), &head, sizeof head);
  if (!key.empty()) std::memcpy(out.data() + sizeof head, key.data(), key.size());
  return out;
}

void set_trunc(xfrm_algo_auth& a, uint32_t bits) { a.alg_trunc_len = bits; }
void set_icv(xfrm_algo_aead& a, uint32_t bits) { a.alg_icv_len = bits; }

// ---- reading answers -----------------------------------------------------------------------

struct Attrs {
  const nlattr* a[XFRMA_MAX + 1] = {};
  const nlattr* operator[](int type) const { return a[type]; }
};

int collect_attr(const nlattr* attr, void* data) {
  auto* attrs = static_cast<Attrs*>(data);
  uint16_t type = mnl_attr_get_type(attr);
  // Attributes newer than these headers are skipped, not errors.
  if (type <= XFRMA_MAX) attrs->a[type] = attr;
  return MNL_CB_OK;
}

// Copies a fixed-size kernel struct out of an attribute, checking its length.
template <typename T>
bool attr_struct(const nlattr* attr, T* out) {
  if (!attr || mnl_attr_get_payload_len(attr) < sizeof(T)) return false;
  std::memcpy(out, mnl_attr_get_payload(attr), sizeof(T));
  return true;
}

// An algorithm attribute as read back: the name, the truncation or ICV length (0 for a
// plain cipher), and the key that follows the struct xfrm_algo* head.
struct ParsedAlgo {
  std::string name;
  uint32_t bits = 0;
  Bytes key;
};

template <typename T>
std::optional<ParsedAlgo> attr_algo(const nlattr* attr, uint32_t (*extra)(const T&)) {
  T head{};
  if (!attr_struct(attr, &head)) return std::nullopt;
  size_t key_bytes = (head.alg_key_len + 7) / 8;
  if (mnl_attr_get_payload_len(attr) < sizeof(T) + key_bytes) return std::nullopt;
  const auto* p = static_cast<const uint8_t*>(mnl_attr_get_payload(attr)) + sizeof(T);
  ParsedAlgo out;
  out.name.assign(head.alg_name, strnlen(head.alg_name, sizeof head.alg_name));
  out.bits = extra ? extra(head) : 0;
  out.key.assign(p, p + key_bytes);
  return out;
}

uint32_t get_trunc(const xfrm_algo_auth& a) { return a.alg_trunc_len; }
uint32_t get_icv(const xfrm_algo_aead& a) { return a.alg_icv_len; }

struct ParsedState {
  SaEntry entry;
  bool larval = false;  // no algorithms: an ALLOCSPI reservation (XFRM_STATE_ACQ)
};

// An XFRM_MSG_NEWSA message (GETSA answer or dump entry); nullopt for states that are not
// ESP/AH or are malformed.
std::optional<ParsedState> parse_state(const nlmsghdr* msg) {
  xfrm_usersa_info info{};
  if (mnl_nlmsg_get_payload_len(msg) < sizeof info) return std::nullopt;
  std::memcpy(&info, mnl_nlmsg_get_payload(msg), sizeof info);
  auto protocol = get_protocol(info.id.proto);
  if (!protocol) return std::nullopt;
  Attrs attrs;
  if (mnl_attr_parse(msg, sizeof info, collect_attr, &attrs) < 0) return std::nullopt;

  ParsedState out;
  SaSpec& spec = out.entry.spec;
  spec.key = SaKey{*protocol, ntohl(info.id.spi), get_address(info.id.daddr, info.family)};
  spec.src = get_address(info.saddr, info.family);
  spec.mode = info.mode == XFRM_MODE_TUNNEL ? Mode::Tunnel : Mode::Transport;
  spec.reqid = info.reqid;
  spec.replay_window = info.replay_window;
  spec.esn = (info.flags & XFRM_STATE_ESN) != 0;
  spec.lifetime = get_lifetime(info.lft);
  spec.selector = get_selector(info.sel);
  spec.encr = v2::EncrId::Null;
  spec.integ = v2::IntegId::None;

  bool any_alg = false;
  // A name outside the tables (set by another tool) reads as an unregistered ID, which
  // dumps and logs print as such rather than as a wrong algorithm.
  if (auto aead = attr_algo<xfrm_algo_aead>(attrs[XFRMA_ALG_AEAD], get_icv)) {
    any_alg = true;
    spec.encr = encr_from_kernel(aead->name, aead->bits).value_or(static_cast<v2::EncrId>(0));
    spec.encr_key = aead->key;
  }
  if (auto crypt = attr_algo<xfrm_algo>(attrs[XFRMA_ALG_CRYPT], nullptr)) {
    any_alg = true;
    spec.encr = encr_from_kernel(crypt->name, 0).value_or(static_cast<v2::EncrId>(0));
    spec.encr_key = crypt->key;
  }
  if (auto auth = attr_algo<xfrm_algo_auth>(attrs[XFRMA_ALG_AUTH_TRUNC], get_trunc)) {
    any_alg = true;
    spec.integ = integ_from_kernel(auth->name, auth->bits).value_or(static_cast<v2::IntegId>(0xffff));
    spec.integ_key = auth->key;
  }
  xfrm_encap_tmpl encap{};
  if (attr_struct(attrs[XFRMA_ENCAP], &encap))
    spec.encap = UdpEncap{ntohs(encap.encap_sport), ntohs(encap.encap_dport)};
  xfrm_replay_state_esn esn{};
  if (attr_struct(attrs[XFRMA_REPLAY_ESN_VAL], &esn)) spec.replay_window = esn.replay_window;

  out.entry.added = unix_seconds(info.curlft.add_time);
  out.entry.bytes = info.curlft.bytes;
  out.entry.packets = info.curlft.packets;
  if (info.curlft.use_time != 0) out.entry.first_use = unix_seconds(info.curlft.use_time);
  out.larval = !any_alg;
  return out;
}

std::optional<PolicySpec> parse_policy(const nlmsghdr* msg) {
  xfrm_userpolicy_info info{};
  if (mnl_nlmsg_get_payload_len(msg) < sizeof info) return std::nullopt;
  std::memcpy(&info, mnl_nlmsg_get_payload(msg), sizeof info);
  // Per-socket policies (dir >= XFRM_POLICY_MAX) belong to their sockets, not the SPD.
  if (info.dir >= XFRM_POLICY_MAX) return std::nullopt;
  Attrs attrs;
  if (mnl_attr_parse(msg, sizeof info, collect_attr, &attrs) < 0) return std::nullopt;
  xfrm_userpolicy_type ptype{};
  if (attr_struct(attrs[XFRMA_POLICY_TYPE], &ptype) && ptype.type != XFRM_POLICY_TYPE_MAIN)
    return std::nullopt;

  PolicySpec out;
  out.selector = get_selector(info.sel);
  out.direction = info.dir == XFRM_POLICY_IN    ? Direction::In
                  : info.dir == XFRM_POLICY_FWD ? Direction::Fwd
                                                : Direction::Out;
  out.priority = info.priority;
  out.action = info.action == XFRM_POLICY_BLOCK ? PolicyAction::Drop : PolicyAction::Pass;
  xfrm_user_tmpl tmpl{};
  if (info.action == XFRM_POLICY_ALLOW && attr_struct(attrs[XFRMA_TMPL], &tmpl)) {
    out.action = PolicyAction::Protect;
    out.protocol = get_protocol(tmpl.id.proto).value_or(Protocol::ESP);
    out.mode = tmpl.mode == XFRM_MODE_TUNNEL ? Mode::Tunnel : Mode::Transport;
    out.reqid = tmpl.reqid;
    IpAddress src = get_address(tmpl.saddr, tmpl.family);
    IpAddress dst = get_address(tmpl.id.daddr, tmpl.family);
    // A transport-mode template leaves its addresses zero (any).
    if (src != IpAddress::any(src.family())) out.tmpl_src = src;
    if (dst != IpAddress::any(dst.family())) out.tmpl_dst = dst;
  }
  return out;
}

int extack_attr(const nlattr* attr, void* data) {
  if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
      mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
    *static_cast<std::string*>(data) = mnl_attr_get_str(attr);
  return MNL_CB_OK;
}

// The errno (positive) of an NLMSG_ERROR message, 0 for an ack, and its extended-ack text.
int parse_error(const nlmsghdr* msg, std::string* extack) {
  if (mnl_nlmsg_get_payload_len(msg) < sizeof(nlmsgerr)) return EBADMSG;
  nlmsgerr err{};
  std::memcpy(&err, mnl_nlmsg_get_payload(msg), sizeof err);
  if (err.error != 0 && (msg->nlmsg_flags & NLM_F_ACK_TLVS)) {
    // The TLVs follow the echoed request: its header alone when capped, all of it otherwise.
    size_t offset = sizeof(int) + (msg->nlmsg_flags & NLM_F_CAPPED ? sizeof(nlmsghdr)
                                                                   : err.msg.nlmsg_len);
    if (offset < mnl_nlmsg_get_payload_len(msg)) mnl_attr_parse(msg, offset, extack_attr, extack);
  }
  return -err.error;
}

}  // namespace

// ---- the backend ---------------------------------------------------------------------------

Result<std::unique_ptr<XfrmBackend>> XfrmBackend::open(XfrmOptions options) {
  auto fail = [](std::string_view what, mnl_socket* a, mnl_socket* b) {
    int err = errno;
    if (a) mnl_socket_close(a);
    if (b) mnl_socket_close(b);
    return kernel_error(what, err);
  };
  mnl_socket* requests = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
  if (!requests) return fail("open XFRM netlink socket", nullptr, nullptr);
  if (mnl_socket_bind(requests, 0, MNL_SOCKET_AUTOPID) < 0)
    return fail("bind XFRM netlink socket", requests, nullptr);
  // Extended acks carry the kernel's reason ("Requested type not found"); capped acks
  // keep error answers from echoing whole requests back.
  int one = 1;
  mnl_socket_setsockopt(requests, NETLINK_EXT_ACK, &one, sizeof one);
  mnl_socket_setsockopt(requests, NETLINK_CAP_ACK, &one, sizeof one);

  mnl_socket* events = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (!events) return fail("open XFRM expire socket", requests, nullptr);
  if (mnl_socket_bind(events, 1u << (XFRMNLGRP_EXPIRE - 1), MNL_SOCKET_AUTOPID) < 0)
    return fail("join XFRMNLGRP_EXPIRE", requests, events);

  std::unique_ptr<XfrmBackend> backend(new XfrmBackend(requests, events, options));
  if (options.watcher) {
    XfrmBackend* self = backend.get();
    auto st = options.watcher->watch(self->expire_fd(), [self] { self->process_expire_events(); });
    if (!st) {
      // Without the watch the backend would never hear of an expiry: refuse to start.
      self->options_.watcher = nullptr;
      return Error(st.error().code(), "watch the XFRM expire socket: " + st.error().message())
          .with_errno(st.error().sys_errno());
    }
  }
  return backend;
}

XfrmBackend::XfrmBackend(mnl_socket* requests, mnl_socket* events, XfrmOptions options)
    : requests_(requests), events_(events), options_(options) {}

XfrmBackend::~XfrmBackend() {
  if (options_.watcher) options_.watcher->unwatch(expire_fd());
  mnl_socket_close(events_);
  mnl_socket_close(requests_);
}

int XfrmBackend::expire_fd() const { return mnl_socket_get_fd(events_); }

void XfrmBackend::log(int level, const std::string& text) const {
  if (options_.logger && options_.logger->enabled(LogGroup::kKnl, level))
    options_.logger->log(LogGroup::kKnl, level, text);
}

Status XfrmBackend::transact(nlmsghdr* request, std::string_view what,
                             const std::function<Status(const nlmsghdr*)>& on_data) const {
  request->nlmsg_seq = ++seq_;
  const uint32_t seq = request->nlmsg_seq;
  const uint32_t portid = mnl_socket_get_portid(requests_);
  if (mnl_socket_sendto(requests_, request, request->nlmsg_len) < 0)
    return kernel_error(what, errno, "sending the netlink request");

  std::vector<char> buf(kReceiveBuffer);
  std::optional<Error> data_error;
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(requests_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return kernel_error(what, errno, "reading the netlink answer");
    }
    int len = static_cast<int>(n);
    for (auto* msg = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(msg, len);
         msg = mnl_nlmsg_next(msg, &len)) {
      // Answers to an earlier request that gave up early are not ours to read.
      if (msg->nlmsg_seq != seq || msg->nlmsg_pid != portid) continue;
      if (msg->nlmsg_type == NLMSG_ERROR) {
        std::string extack;
        int err = parse_error(msg, &extack);
        if (err != 0) return kernel_error(what, err, extack);
        if (data_error) return *data_error;
        return ok_status();
      }
      if (msg->nlmsg_type == NLMSG_DONE) {
        // A dump that failed part way reports its errno in the DONE message.
        if (mnl_nlmsg_get_payload_len(msg) >= sizeof(int)) {
          int err = 0;
          std::memcpy(&err, mnl_nlmsg_get_payload(msg), sizeof err);
          if (err < 0) return kernel_error(what, -err);
        }
        if (data_error) return *data_error;
        return ok_status();
      }
      if (msg->nlmsg_type < NLMSG_MIN_TYPE) continue;
      if (auto st = on_data(msg); !st && !data_error) data_error = std::move(st).error();
    }
  }
}

Result<uint32_t> XfrmBackend::allocate_spi(Protocol protocol, const IpAddress& src,
                                           const IpAddress& dst) {
  const std::string what = describe_alloc_spi(protocol, src, dst);
  if (src.empty() || dst.empty() || src.family() != dst.family())
    return kernel_error(what, EINVAL, "addresses missing or of different families");
  Request req(XFRM_MSG_ALLOCSPI, NLM_F_REQUEST | NLM_F_ACK);
  auto* info = req.header<xfrm_userspi_info>();
  info->info.family = family_of(dst);
  put_address(src, &info->info.saddr);
  put_address(dst, &info->info.id.daddr);
  info->info.id.proto = static_cast<uint8_t>(protocol);
  info->min = options_.spi_min;
  info->max = options_.spi_max;

  std::optional<uint32_t> spi;
  TRY(transact(req.nlh(), what, [&](const nlmsghdr* msg) -> Status {
    if (msg->nlmsg_type != XFRM_MSG_NEWSA) return ok_status();
    xfrm_usersa_info sa{};
    if (mnl_nlmsg_get_payload_len(msg) < sizeof sa)
      return kernel_error(what, EBADMSG, "short ALLOCSPI answer");
    std::memcpy(&sa, mnl_nlmsg_get_payload(msg), sizeof sa);
    spi = ntohl(sa.id.spi);
    return ok_status();
  }));
  if (!spi) return kernel_error(what, EBADMSG, "the kernel acknowledged without an SPI");
  allocated_.insert(SaKey{protocol, *spi, dst});
  log(2, "allocated SPI " + spi_hex(*spi) + " for " + std::string(name(protocol)) + " " +
             src.to_string() + " => " + dst.to_string());
  return *spi;
}

Status XfrmBackend::send_sa(const SaSpec& spec, uint16_t type, std::string_view what) {
  if (auto st = check_sa_spec(spec); !st) return as_kernel_error(what, st.error());
  auto algs = kernel_algorithms(spec);
  if (!algs) return as_kernel_error(what, algs.error());

  Request req(type, NLM_F_REQUEST | NLM_F_ACK);
  auto* sa = req.header<xfrm_usersa_info>();
  sa->family = family_of(spec.key.dst);
  put_address(spec.src, &sa->saddr);
  put_address(spec.key.dst, &sa->id.daddr);
  sa->id.spi = htonl(spec.key.spi);
  sa->id.proto = static_cast<uint8_t>(spec.key.protocol);
  sa->mode = put_mode(spec.mode);
  sa->reqid = spec.reqid;
  sa->lft = put_lifetime(spec.lifetime);
  if (!spec.selector.src.addr.empty()) {
    sa->sel = put_selector(spec.selector);
  } else if (spec.mode == Mode::Tunnel) {
    // Inner traffic of either family may use the tunnel; the SPD decides what enters it.
    sa->flags |= XFRM_STATE_AF_UNSPEC;
  }
  // RFC 4303 2.2.1 / 3.4.3: ESN needs the extended replay state, and so does a window wider
  // than the legacy 32-bit bitmap; the legacy field must then be 0.
  if (spec.esn || spec.replay_window > 32) {
    uint32_t words = (spec.replay_window + 31) / 32;
    Bytes esn(sizeof(xfrm_replay_state_esn) + words * sizeof(uint32_t), 0);
    xfrm_replay_state_esn head{};
    head.bmp_len = words;
    head.replay_window = spec.replay_window;
    std::memcpy(esn.data(), &head, sizeof head);
    req.attr(XFRMA_REPLAY_ESN_VAL, esn);
    if (spec.esn) sa->flags |= XFRM_STATE_ESN;
  } else {
    sa->replay_window = static_cast<uint8_t>(spec.replay_window);
  }
  if (algs->aead)
    req.attr(XFRMA_ALG_AEAD, algo_attr<xfrm_algo_aead>(algs->aead->name, algs->aead->key,
                                                       set_icv, algs->aead->icv_bits));
  if (algs->crypt)
    req.attr(XFRMA_ALG_CRYPT,
             algo_attr<xfrm_algo>(algs->crypt->name, algs->crypt->key, nullptr, 0));
  if (algs->auth)
    req.attr(XFRMA_ALG_AUTH_TRUNC, algo_attr<xfrm_algo_auth>(algs->auth->name, algs->auth->key,
                                                             set_trunc, algs->auth->trunc_bits));
  if (spec.encap) {
    // RFC 3948: ESP in UDP, the SA's ports; no original address for NAT-OA handling here.
    xfrm_encap_tmpl encap{};
    encap.encap_type = UDP_ENCAP_ESPINUDP;
    encap.encap_sport = htons(spec.encap->src_port);
    encap.encap_dport = htons(spec.encap->dst_port);
    req.attr(XFRMA_ENCAP, &encap, sizeof encap);
  }
  if (req.overflow()) return kernel_error(what, EMSGSIZE, "request does not fit the buffer");
  log(2, std::string(type == XFRM_MSG_UPDSA ? "updating" : "adding") + " SAD entry " +
             std::string(name(spec.key.protocol)) + " " + spi_hex(spec.key.spi) + " " +
             spec.src.to_string() + " => " + spec.key.dst.to_string() + " reqid {" +
             std::to_string(spec.reqid) + "}");
  return transact(req.nlh(), what, [](const nlmsghdr*) { return ok_status(); });
}

Status XfrmBackend::add_sa(const SaSpec& spec) {
  const std::string what = describe_add_sa(spec);
  // An SPI from ALLOCSPI sits in a larval state: the kernel wants it updated, and NEWSA
  // would meet it with EEXIST.
  const bool reserved = allocated_.count(spec.key) != 0;
  TRY(send_sa(spec, reserved ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, what));
  allocated_.erase(spec.key);
  soft_expired_.erase(spec.key);
  side_[spec.key] = Side{spec.label, spec.inbound};
  return ok_status();
}

Result<std::optional<SaEntry>> XfrmBackend::get_sa(const SaKey& key, std::string_view what) const {
  Request req(XFRM_MSG_GETSA, NLM_F_REQUEST | NLM_F_ACK);
  auto* id = req.header<xfrm_usersa_id>();
  put_address(key.dst, &id->daddr);
  id->spi = htonl(key.spi);
  id->family = family_of(key.dst);
  id->proto = static_cast<uint8_t>(key.protocol);
  std::optional<SaEntry> found;
  auto st = transact(req.nlh(), what, [&](const nlmsghdr* msg) -> Status {
    if (msg->nlmsg_type != XFRM_MSG_NEWSA) return ok_status();
    if (auto state = parse_state(msg); state && !state->larval && state->entry.spec.key == key) {
      found = state->entry;
      decorate(*found);
    }
    return ok_status();
  });
  if (!st) {
    if (st.error().sys_errno() == ESRCH) return std::optional<SaEntry>();
    return std::move(st).error();
  }
  return found;
}

Status XfrmBackend::update_sa(const SaKey& key, const SaUpdate& update) {
  const std::string what = describe_sa(Operation::UpdateSa, key);
  TRY_ASSIGN(auto current, get_sa(key, what));
  if (!current) return kernel_error(what, ESRCH);
  SaSpec spec = current->spec;
  if (update.new_src) spec.src = *update.new_src;
  if (update.new_dst) spec.key.dst = *update.new_dst;
  if (update.encap) spec.encap = update.encap;
  if (spec.key == key) {
    // Same identity: the old state must go first, or NEWSA meets it with EEXIST.
    TRY(remove_sa(key, what));
    TRY(send_sa(spec, XFRM_MSG_NEWSA, what));
  } else {
    // New identity: install the new state before removing the old, so traffic always has
    // one.
    TRY(send_sa(spec, XFRM_MSG_NEWSA, what));
    TRY(remove_sa(key, what));
  }
  Side side = side_.count(key) ? side_[key] : Side{};
  forget(key);
  side_[spec.key] = side;
  return ok_status();
}

Status XfrmBackend::remove_sa(const SaKey& key, std::string_view what) {
  Request req(XFRM_MSG_DELSA, NLM_F_REQUEST | NLM_F_ACK);
  auto* id = req.header<xfrm_usersa_id>();
  put_address(key.dst, &id->daddr);
  id->spi = htonl(key.spi);
  id->family = family_of(key.dst);
  id->proto = static_cast<uint8_t>(key.protocol);
  log(2, "deleting SAD entry " + std::string(name(key.protocol)) + " " + spi_hex(key.spi) +
             " dst " + key.dst.to_string());
  return transact(req.nlh(), what, [](const nlmsghdr*) { return ok_status(); });
}

Status XfrmBackend::delete_sa(const SaKey& key) {
  if (key.dst.empty()) return kernel_error(describe_sa(Operation::DeleteSa, key), EINVAL);
  TRY(remove_sa(key, describe_sa(Operation::DeleteSa, key)));
  forget(key);
  return ok_status();
}

void XfrmBackend::forget(const SaKey& key) {
  side_.erase(key);
  allocated_.erase(key);
  soft_expired_.erase(key);
}

Status XfrmBackend::add_policy(const PolicySpec& policy) {
  const std::string what =
      describe_policy(Operation::AddPolicy, policy.selector, policy.direction);
  if (auto st = check_policy(policy); !st) return as_kernel_error(what, st.error());
  Request req(XFRM_MSG_NEWPOLICY, NLM_F_REQUEST | NLM_F_ACK);
  auto* info = req.header<xfrm_userpolicy_info>();
  info->sel = put_selector(policy.selector);
  info->lft = put_lifetime(Lifetime{});
  info->priority = policy.priority;
  info->dir = put_direction(policy.direction);
  info->action = policy.action == PolicyAction::Drop ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
  info->share = XFRM_SHARE_ANY;
  if (policy.action == PolicyAction::Protect) {
    xfrm_user_tmpl tmpl{};
    const IpAddress& fam = policy.tmpl_dst.empty() ? policy.selector.dst.addr : policy.tmpl_dst;
    tmpl.family = family_of(fam);
    if (!policy.tmpl_src.empty()) put_address(policy.tmpl_src, &tmpl.saddr);
    if (!policy.tmpl_dst.empty()) put_address(policy.tmpl_dst, &tmpl.id.daddr);
    tmpl.id.proto = static_cast<uint8_t>(policy.protocol);
    tmpl.mode = put_mode(policy.mode);
    tmpl.reqid = policy.reqid;
    tmpl.share = XFRM_SHARE_ANY;
    // Any algorithm the SA negotiated is acceptable; IKE chose it.
    tmpl.aalgos = tmpl.ealgos = tmpl.calgos = ~0u;
    req.attr(XFRMA_TMPL, &tmpl, sizeof tmpl);
  }
  log(2, "adding policy " + policy.selector.to_string() + " " +
             std::string(name(policy.direction)) + " (" + std::string(name(policy.action)) + ")");
  return transact(req.nlh(), what, [](const nlmsghdr*) { return ok_status(); });
}

Status XfrmBackend::delete_policy(const Selector& selector, Direction direction) {
  const std::string what = describe_policy(Operation::DeletePolicy, selector, direction);
  if (auto st = check_selector(selector); !st) return as_kernel_error(what, st.error());
  Request req(XFRM_MSG_DELPOLICY, NLM_F_REQUEST | NLM_F_ACK);
  auto* id = req.header<xfrm_userpolicy_id>();
  id->sel = put_selector(selector);
  id->dir = put_direction(direction);
  log(2, "deleting policy " + selector.to_string() + " " + std::string(name(direction)));
  return transact(req.nlh(), what, [](const nlmsghdr*) { return ok_status(); });
}

void XfrmBackend::decorate(SaEntry& entry) const {
  if (auto it = side_.find(entry.spec.key); it != side_.end()) {
    entry.spec.label = it->second.label;
    entry.spec.inbound = it->second.inbound;
  }
  entry.soft_expired = soft_expired_.count(entry.spec.key) != 0;
}

Status XfrmBackend::dump_states(std::vector<SaEntry>* sas,
                                std::vector<SpiReservation>* larval) const {
  Request req(XFRM_MSG_GETSA, NLM_F_REQUEST | NLM_F_DUMP);
  req.header<xfrm_usersa_id>();
  return transact(req.nlh(), "dump SAD", [&](const nlmsghdr* msg) -> Status {
    if (msg->nlmsg_type != XFRM_MSG_NEWSA) return ok_status();
    auto state = parse_state(msg);
    if (!state) return ok_status();
    if (state->larval) {
      // An acquire the kernel made for traffic that met a policy without an SA has no SPI
      // yet: it is not a reservation.
      if (larval && state->entry.spec.key.spi != 0)
        larval->push_back(SpiReservation{state->entry.spec.key, state->entry.spec.src,
                                         state->entry.added});
    } else if (sas) {
      decorate(state->entry);
      sas->push_back(std::move(state->entry));
    }
    return ok_status();
  });
}

Result<std::vector<SaEntry>> XfrmBackend::dump_sas() const {
  std::vector<SaEntry> out;
  TRY(dump_states(&out, nullptr));
  return out;
}

Result<std::vector<PolicySpec>> XfrmBackend::dump_policies() const {
  std::vector<PolicySpec> out;
  Request req(XFRM_MSG_GETPOLICY, NLM_F_REQUEST | NLM_F_DUMP);
  req.header<xfrm_userpolicy_id>();
  TRY(transact(req.nlh(), "dump SPD", [&](const nlmsghdr* msg) -> Status {
    if (msg->nlmsg_type != XFRM_MSG_NEWPOLICY) return ok_status();
    if (auto p = parse_policy(msg)) out.push_back(std::move(*p));
    return ok_status();
  }));
  return out;
}

std::vector<SaEntry> XfrmBackend::list_sas() const {
  auto sas = dump_sas();
  if (!sas) {
    log(1, sas.error().reason());
    return {};
  }
  return std::move(sas).value();
}

std::vector<PolicySpec> XfrmBackend::list_policies() const {
  auto policies = dump_policies();
  if (!policies) {
    log(1, policies.error().reason());
    return {};
  }
  return std::move(policies).value();
}

std::vector<SpiReservation> XfrmBackend::list_reserved_spis() const {
  std::vector<SpiReservation> out;
  if (auto st = dump_states(nullptr, &out); !st) {
    log(1, st.error().reason());
    return {};
  }
  return out;
}

std::optional<SaEntry> XfrmBackend::find_sa(const SaKey& key) const {
  auto found = get_sa(key, "query SA " + std::string(name(key.protocol)) + " " + spi_hex(key.spi) +
                              " dst " + key.dst.to_string());
  if (!found) {
    log(1, found.error().reason());
    return std::nullopt;
  }
  return *found;
}

void XfrmBackend::set_expire_handler(std::function<void(const ExpireEvent&)> handler) {
  handler_ = std::move(handler);
}

size_t XfrmBackend::process_expire_events() {
  std::vector<ExpireEvent> events;
  std::vector<char> buf(kReceiveBuffer);
  for (;;) {
    ssize_t n = recv(expire_fd(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      // ENOBUFS: the kernel dropped events because the socket buffer was full; the ones
      // after the overrun are still there to read.
      if (errno == ENOBUFS) {
        log(1, "XFRM expire socket overrun: some expire events were lost");
        continue;
      }
      break;  // EAGAIN: nothing more waiting
    }
    int len = static_cast<int>(n);
    for (auto* msg = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(msg, len);
         msg = mnl_nlmsg_next(msg, &len)) {
      if (msg->nlmsg_type != XFRM_MSG_EXPIRE) continue;
      xfrm_user_expire ue{};
      if (mnl_nlmsg_get_payload_len(msg) < sizeof ue) continue;
      std::memcpy(&ue, mnl_nlmsg_get_payload(msg), sizeof ue);
      auto protocol = get_protocol(ue.state.id.proto);
      if (!protocol) continue;
      ExpireEvent ev{SaKey{*protocol, ntohl(ue.state.id.spi),
                           get_address(ue.state.id.daddr, ue.state.family)},
                     ue.state.reqid, ue.hard != 0};
      log(1, std::string("kernel sent a ") + (ev.hard ? "hard" : "soft") + " expire for " +
                 std::string(name(ev.key.protocol)) + " SA " + spi_hex(ev.key.spi) + " dst " +
                 ev.key.dst.to_string());
      // A hard expire means the kernel has deleted the state already.
      if (ev.hard) {
        forget(ev.key);
      } else {
        soft_expired_.insert(ev.key);
      }
      events.push_back(ev);
    }
  }
  for (const auto& ev : events)
    if (auto handler = handler_) handler(ev);
  return events.size();
}

}  // namespace ikesuite::sa
