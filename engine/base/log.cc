#include "engine/base/log.h"

namespace ikesuite {

std::string_view name(LogGroup g) {
  switch (g) {
    case LogGroup::kDmn: return "DMN";
    case LogGroup::kMgr: return "MGR";
    case LogGroup::kIke: return "IKE";
    case LogGroup::kChd: return "CHD";
    case LogGroup::kJob: return "JOB";
    case LogGroup::kCfg: return "CFG";
    case LogGroup::kKnl: return "KNL";
    case LogGroup::kNet: return "NET";
    case LogGroup::kAsn: return "ASN";
    case LogGroup::kEnc: return "ENC";
    case LogGroup::kLib: return "LIB";
  }
  return "???";
}

}  // namespace ikesuite
