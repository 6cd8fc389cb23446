// summary(): charon's one-line form of IKEv1 messages.
#include <gtest/gtest.h>

#include "engine/wire/ikev1/message.h"
#include "tests/wire_ikev1/samples.h"

namespace ikesuite::v1 {
namespace {

using samples::in_clear;

TEST(Ikev1Summary, MainMode) {
  EXPECT_EQ(summary(samples::main_mode_1(), Direction::Request),
            "ID_PROT request 0 [ SA V V V V V ]");
  EXPECT_EQ(summary(samples::main_mode_2(), Direction::Response), "ID_PROT response 0 [ SA V V V ]");
  EXPECT_EQ(summary(samples::main_mode_3(), Direction::Request),
            "ID_PROT request 0 [ KE No NAT-D NAT-D ]");
  EXPECT_EQ(summary(samples::main_mode_4(), Direction::Response),
            "ID_PROT response 0 [ KE No NAT-D NAT-D ]");
  // encrypted: the payloads once decrypted, or E before
  auto inner = samples::main_mode_5_inner();
  EXPECT_EQ(summary(samples::main_mode_5(), Direction::Request, &inner),
            "ID_PROT request 0 [ ID HASH N(INITIAL_CONTACT) ]");
  EXPECT_EQ(summary(samples::main_mode_5(), Direction::Request), "ID_PROT request 0 [ E ]");
  auto rsa = samples::main_mode_5_rsa_inner();
  EXPECT_EQ(summary(samples::main_mode_5(), Direction::Request, &rsa),
            "ID_PROT request 0 [ ID CERT CERTREQ SIG ]");
}

TEST(Ikev1Summary, AggressiveQuickInformational) {
  EXPECT_EQ(summary(samples::aggressive_1(), Direction::Request),
            "AGGRESSIVE request 0 [ SA KE No ID V V V V ]");
  auto qm = samples::quick_mode_1_inner();
  EXPECT_EQ(summary(samples::quick_mode_1(), Direction::Request, &qm),
            "QUICK_MODE request 2812367394 [ HASH SA No KE ID ID ]");
  EXPECT_EQ(summary(in_clear(samples::quick_mode_1(), samples::quick_mode_natoa_inner()),
                    Direction::Request),
            "QUICK_MODE request 2812367394 [ HASH SA No ID ID NAT-OA NAT-OA ]");
  auto dpd = samples::informational_dpd_inner();
  EXPECT_EQ(summary(samples::informational_dpd(), Direction::Request, &dpd),
            "INFORMATIONAL_V1 request 1234 [ HASH N(DPD) ]");
  auto del = samples::informational_delete_inner();
  EXPECT_EQ(summary(samples::informational_delete(), Direction::Request, &del),
            "INFORMATIONAL_V1 request 1234 [ HASH D D ]");
}

TEST(Ikev1Summary, ModeConfigAndFragments) {
  EXPECT_EQ(summary(samples::transaction_request(), Direction::Request),
            "TRANSACTION request 195939070 [ HASH CPRQ(ADDR DNS X_TYPE) ]");
  auto frags = samples::fragments();
  EXPECT_EQ(summary(frags[0], Direction::Request), "ID_PROT request 0 [ FRAG(1) ]");
  EXPECT_EQ(summary(frags[1], Direction::Request), "ID_PROT request 0 [ FRAG(2/2) ]");
  Message reply;
  reply.header.exchange = ExchangeType::Transaction;
  reply.payloads = {make_payload(AttributePayload{CfgType::ISAKMP_CFG_SET, 1, {DataAttribute::make_tv(16527, 1)}}),
                    make_payload(AttributePayload{CfgType::ISAKMP_CFG_ACK, 1, {}})};
  EXPECT_EQ(summary(reply, Direction::Response), "TRANSACTION response 0 [ CPS(X_STATUS) CP ]");
}

TEST(Ikev1Summary, NotifyLabelsAreCharons) {
  auto notify = [](uint16_t type) {
    return make_payload(
        NotifyPayload{kDoiIpsec, ProtocolId::ISAKMP, {}, static_cast<NotifyType>(type), {}});
  };
  Message m;
  m.header.exchange = ExchangeType::Informational;
  m.header.message_id = 7;
  m.payloads = {notify(14), notify(16),    notify(24), notify(36137),
                notify(15), notify(24576), notify(1),  notify(40501)};
  EXPECT_EQ(summary(m, Direction::Response),
            "INFORMATIONAL_V1 response 7 [ N(NO_PROP) N(PLD_MAL) N(AUTH_FAILED) N(DPD_ACK) "
            "N((15)) N((24576)) N(CRIT) N(UNITY_LB) ]");
}

TEST(Ikev1Summary, UnknownValues) {
  Message m;
  m.header.exchange = ExchangeType::Base;
  m.payloads = {Payload{static_cast<PayloadType>(99), RawPayload{}}, make_payload(NatDPayload{}),
                Payload{PayloadType::NAT_D_DRAFT, NatDPayload{}},
                Payload{PayloadType::NAT_OA_DRAFT, NatOaPayload{}}};
  EXPECT_EQ(summary(m, Direction::Request), "(1) request 0 [ UNKN(99) NAT-D NAT-D NAT-OA ]");
  Message empty;
  empty.header.exchange = static_cast<ExchangeType>(200);
  EXPECT_EQ(summary(empty, Direction::Response), "(200) response 0 [ ]");
  EXPECT_EQ(payload_labels(samples::quick_mode_1_inner()), "HASH SA No KE ID ID");
}

}  // namespace
}  // namespace ikesuite::v1
