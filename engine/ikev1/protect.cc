// Message protection (RFC 2409 Appendix B): the payload chain after the ISAKMP header is CBC
// encrypted with Ka, padded to the block size, the IV chained from the last ciphertext block
// of the previous message of the same exchange; phase 2 exchanges start from hash(last
// phase-1 block | M-ID). IKEv1 carries no IV and no checksum: the HASH payloads are the
// integrity check, and the exact bytes they cover are taken from the wire here.
#include "engine/crypto/ikev1_keys.h"
#include "engine/ikev1/engine_impl.h"
#include "engine/wire/reader.h"

namespace ikesuite::ikev1 {

namespace {

// The generic header of the payload at the reader's position: next payload and length.
struct RawHeader {
  v1::PayloadType next;
  uint16_t length;
};

Result<RawHeader> read_generic_header(wire::Reader& r) {
  TRY_ASSIGN(uint8_t next, r.u8());
  TRY(r.skip(1));
  TRY_ASSIGN(uint16_t length, r.u16());
  if (length < 4) return Error(ErrorCode::kLength, "payload length below 4", r.offset());
  return RawHeader{static_cast<v1::PayloadType>(next), length};
}

}  // namespace

Bytes clear_chain(ByteView datagram) {
  wire::Reader r(datagram);
  if (!r.skip(v1::Header::kSize).ok()) return {};
  ByteView rest = r.rest();
  return Bytes(rest.begin(), rest.end());
}

std::optional<Bytes> Received::raw_body(v1::PayloadType type) const {
  wire::Reader r(chain);
  v1::PayloadType current = message.header.next_payload;
  while (current != v1::PayloadType::None && !r.empty()) {
    auto h = read_generic_header(r);
    if (!h.ok()) return std::nullopt;
    auto body = r.bytes(h->length - 4u);
    if (!body.ok()) return std::nullopt;
    if (current == type) return Bytes(body->begin(), body->end());
    current = h->next;
  }
  return std::nullopt;
}

std::optional<Bytes> Received::after_first() const {
  wire::Reader r(chain);
  auto h = read_generic_header(r);
  if (!h.ok() || !r.skip(h->length - 4u).ok()) return std::nullopt;
  ByteView rest = r.rest();
  return Bytes(rest.begin(), rest.end());
}

Result<Bytes> Engine::Impl::seal(IkeSa& ike, v1::Header header, const Payloads& payloads,
                                 Bytes& iv) {
  if (!ike.keys_ready || !ike.cipher)
    return Error(ErrorCode::kState, "no keys to protect the message with");
  TRY_ASSIGN(Bytes plaintext, v1::serialize_chain(payloads));
  TRY_ASSIGN(crypto::CbcResult sealed, crypto::ikev1_encrypt(*ike.cipher, ike.ka, iv, plaintext));
  header.flags |= v1::kFlagEncryption;
  header.next_payload = payloads.empty() ? v1::PayloadType::None : payloads.front().type;
  v1::Message m;
  m.header = header;
  m.encrypted_body = std::move(sealed.data);
  TRY_ASSIGN(Bytes bytes, v1::serialize(m));
  iv = std::move(sealed.next_iv);
  return bytes;
}

Result<Received> Engine::Impl::open(IkeSa& ike, const net::Datagram& d, v1::Message message,
                                    ByteView iv) {
  if (!ike.keys_ready || !ike.cipher)
    return Error(ErrorCode::kState, "found encrypted message, but no keys available");
  TRY_ASSIGN(crypto::CbcResult plain,
             crypto::ikev1_decrypt(*ike.cipher, ike.ka, iv, message.encrypted_body));
  v1::ParseOptions options;
  options.allow_padding = true;
  TRY_ASSIGN(v1::PayloadChain chain,
             v1::parse_chain(message.header.next_payload, plain.data, v1::Header::kSize, options));
  Received in;
  in.datagram = &d;
  wire::Reader r(plain.data);
  TRY_ASSIGN(ByteView used, r.bytes(plain.data.size() - chain.padding));
  in.chain = Bytes(used.begin(), used.end());
  in.payloads = std::move(chain.payloads);
  in.next_iv = std::move(plain.next_iv);
  in.message = std::move(message);
  return in;
}

Bytes Engine::Impl::phase2_iv(const IkeSa& ike, uint32_t message_id) const {
  if (!ike.cipher) return {};
  auto iv = crypto::phase2_iv(ike.hash, ike.phase1.iv, message_id, ike.cipher->block_size());
  return iv.ok() ? *iv : Bytes{};
}

Result<Payloads> Engine::Impl::with_informational_hash(IkeSa& ike, uint32_t mid,
                                                       Payloads payloads) {
  TRY_ASSIGN(Bytes rest, v1::serialize_chain(payloads));
  TRY_ASSIGN(Bytes hash, crypto::informational_hash(*ike.prf, ike.skeyid_a, mid, rest));
  payloads.insert(payloads.begin(), make_payload(v1::HashPayload{std::move(hash)}));
  return payloads;
}

}  // namespace ikesuite::ikev1
