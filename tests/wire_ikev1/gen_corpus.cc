// Writes the seed corpora of the IKEv1 fuzz targets (fuzz/corpus/ikev1_*/) from messages and
// payloads the codec builds, so the seeds stay valid when the codec changes:
//   gen_corpus_ikev1 <repository>/fuzz/corpus
// Existing files of the same name are overwritten; nothing else is touched.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/samples.h"

namespace v1 = ikesuite::v1;
namespace samples = ikesuite::v1::samples;
using ikesuite::Bytes;

namespace {

std::map<std::string, std::vector<std::pair<std::string, Bytes>>> corpora;

void add(const std::string& target, const std::string& name, const Bytes& data) {
  corpora[target].push_back({name, data});
}

Bytes must(ikesuite::Result<Bytes> r, const std::string& what) {
  if (!r.ok()) {
    std::cerr << "gen_corpus_ikev1: cannot serialize " << what << ": " << r.error().message()
              << "\n";
    std::exit(1);
  }
  return std::move(r).value();
}

void add_body(const std::string& target, const std::string& name, const v1::PayloadBody& body) {
  add(target, name, must(v1::serialize_body(body), name));
}

// Every payload of every sample, by body type.
void add_payload_bodies(const std::string& prefix, const std::vector<v1::Payload>& payloads) {
  static const std::map<v1::PayloadType, std::string> kTargets = {
      {v1::PayloadType::SA, "ikev1_sa"},
      {v1::PayloadType::KE, "ikev1_ke"},
      {v1::PayloadType::ID, "ikev1_id"},
      {v1::PayloadType::CERT, "ikev1_cert"},
      {v1::PayloadType::CR, "ikev1_cr"},
      {v1::PayloadType::HASH, "ikev1_hash"},
      {v1::PayloadType::SIG, "ikev1_sig"},
      {v1::PayloadType::Nonce, "ikev1_nonce"},
      {v1::PayloadType::Notification, "ikev1_notify"},
      {v1::PayloadType::Delete, "ikev1_delete"},
      {v1::PayloadType::VendorId, "ikev1_vendor"},
      {v1::PayloadType::NAT_D, "ikev1_natd"},
      {v1::PayloadType::NAT_OA, "ikev1_natoa"},
      {v1::PayloadType::Attribute, "ikev1_cfg"},
      {v1::PayloadType::Fragment, "ikev1_fragment"},
  };
  for (size_t i = 0; i < payloads.size(); ++i) {
    auto it = kTargets.find(payloads[i].type);
    if (it == kTargets.end()) continue;
    add_body(it->second, prefix + "_" + std::to_string(i + 1), payloads[i].body);
  }
}

// The ikev1_chain input: the first payload's type, then the chain (padding allowed).
Bytes chain_input(const std::vector<v1::Payload>& payloads, size_t block) {
  Bytes chain = must(v1::serialize_chain(payloads), "chain");
  Bytes out{payloads.empty() ? uint8_t{0} : static_cast<uint8_t>(payloads.front().type)};
  Bytes padded = block ? samples::pad_to_block(chain, block) : chain;
  out.insert(out.end(), padded.begin(), padded.end());
  return out;
}

void build() {
  for (const auto& [name, message] : samples::all_messages()) {
    Bytes wire = must(v1::serialize(message), name);
    add("ikev1_message", name, wire);
    add("ikev1_roundtrip", name, wire);
    Bytes framed{0, 0, 0, 0};
    framed.insert(framed.end(), wire.begin(), wire.end());
    add("ikev1_message_4500", name, framed);
    add_payload_bodies(name, message.payloads);
  }
  // RFC 3948 §2.2: ESP on port 4500 (a non-zero SPI where the marker would be) and a
  // NAT-keepalive, which the 4500 target must ignore.
  add("ikev1_message_4500", "esp", ikesuite::hex("c1a2b3c4000000010102030405060708"));
  add("ikev1_message_4500", "keepalive", ikesuite::hex("ff"));

  const std::vector<std::pair<std::string, std::vector<v1::Payload>>> inners = {
      {"main_mode_5", samples::main_mode_5_inner()},
      {"main_mode_5_rsa", samples::main_mode_5_rsa_inner()},
      {"quick_mode_1", samples::quick_mode_1_inner()},
      {"quick_mode_natoa", samples::quick_mode_natoa_inner()},
      {"informational_delete", samples::informational_delete_inner()},
      {"informational_dpd", samples::informational_dpd_inner()},
  };
  for (const auto& [name, payloads] : inners) {
    add_payload_bodies(name, payloads);
    add("ikev1_chain", name + "_exact", chain_input(payloads, 0));
    add("ikev1_chain", name + "_pad8", chain_input(payloads, 8));
    add("ikev1_chain", name + "_pad16", chain_input(payloads, 16));
  }

  // Shapes the samples do not cover.
  v1::SaPayload and_proposal;  // RFC 2408 §4.2: AH AND ESP share proposal number 1
  {
    v1::Phase2Attributes a;
    a.encapsulation = v1::EncapsulationMode::Transport;
    a.auth_algorithm = v1::IpsecAuthAlgorithm::HMAC_SHA;
    a.lifetimes = {{v1::LifeType::Seconds, 28800}};
    v1::Proposal ah{1, v1::ProtocolId::IPSEC_AH, ikesuite::hex("0000a001"),
                    {v1::ipsec_transform(1, static_cast<uint8_t>(v1::AhTransformId::AH_SHA), a)}};
    v1::Proposal esp{
        1, v1::ProtocolId::IPSEC_ESP, ikesuite::hex("0000e001"),
        {v1::ipsec_transform(1, static_cast<uint8_t>(v1::EspTransformId::ESP_3DES), a)}};
    and_proposal.proposals = {ah, esp};
  }
  add_body("ikev1_sa", "ah_and_esp", and_proposal);
  v1::SaPayload labeled = samples::phase1_offer();
  labeled.situation = v1::kSitSecrecy | v1::kSitIntegrity;
  labeled.labeled_domain = v1::LabeledDomain{7,  ikesuite::hex("0102"), 12, ikesuite::hex("f0f0"),
                                             ikesuite::hex("03"), 0, {}};
  add_body("ikev1_sa", "labeled_domain", labeled);

  add_body("ikev1_id", "ipv6_subnet",
           v1::IdPayload::from_subnet(*ikesuite::Subnet::parse("2001:db8:1::/48"), 6, 443));
  add_body("ikev1_id", "ipv6_range",
           v1::IdPayload::from_range(*ikesuite::IpAddress::parse("2001:db8::1"),
                                     *ikesuite::IpAddress::parse("2001:db8::ff")));
  add_body("ikev1_id", "user_fqdn", v1::IdPayload::from_user_fqdn("carol@ikesuite.test"));
  add_body("ikev1_id", "key_id", v1::IdPayload::from_key_id(ikesuite::hex("0a0b0c0d")));

  v1::NotifyPayload lifetime{v1::kDoiIpsec, v1::ProtocolId::IPSEC_ESP, ikesuite::hex("c1a2b3c4"),
                             v1::NotifyType::RESPONDER_LIFETIME, {}};
  lifetime.data = must(v1::serialize_attributes({v1::DataAttribute::make_tv(1, 1),
                                                 v1::DataAttribute::make_number(2, 86400)}),
                       "lifetime");
  add_body("ikev1_notify", "responder_lifetime", lifetime);
  add_body("ikev1_notify", "no_proposal_chosen",
           v1::NotifyPayload{v1::kDoiIpsec, v1::ProtocolId::ISAKMP,
                             v1::cookie_pair(samples::kCookieI, samples::kCookieR),
                             v1::NotifyType::NO_PROPOSAL_CHOSEN, {}});
  add_body("ikev1_notify", "dpd_ack",
           v1::NotifyPayload::dpd(true, samples::kCookieI, samples::kCookieR, 7));
  add_body("ikev1_delete", "esp_two",
           v1::DeletePayload::ipsec_sas(v1::ProtocolId::IPSEC_ESP, {0x11111111u, 0x22222222u}));
  add_body("ikev1_delete", "ipcomp",
           v1::DeletePayload{v1::kDoiIpsec, v1::ProtocolId::IPCOMP, 2, {ikesuite::hex("4001")}});
  add_body("ikev1_fragment", "last",
           v1::FragmentPayload{9, 3, v1::kFragmentFlagLast, ikesuite::hex("00010203")});
  add_body("ikev1_cfg", "xauth_reply",
           v1::AttributePayload{v1::CfgType::ISAKMP_CFG_REPLY, 7,
                                {v1::DataAttribute::make_tlv(16521, ikesuite::to_bytes("carol")),
                                 v1::DataAttribute::make_tlv(16522, ikesuite::to_bytes("secret"))}});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: gen_corpus_ikev1 <repository>/fuzz/corpus\n";
    return 2;
  }
  build();
  std::filesystem::path root = argv[1];
  size_t files = 0;
  for (const auto& [target, entries] : corpora) {
    std::filesystem::create_directories(root / target);
    for (const auto& [name, data] : entries) {
      std::ofstream out(root / target / name, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(data.data()),
                static_cast<std::streamsize>(data.size()));
      if (!out) {
        std::cerr << "gen_corpus_ikev1: cannot write " << (root / target / name) << "\n";
        return 1;
      }
      ++files;
    }
  }
  std::cout << "gen_corpus_ikev1: wrote " << files << " files into " << corpora.size()
            << " corpora under " << root << "\n";
  return 0;
}
