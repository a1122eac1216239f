#include "detectors/finding.h"

namespace rmacheck {

const KindInfo& kind_info(FindingKind k) {
  static const KindInfo kinds[] = {
#define RMACHECK_KIND(id, name, sev, meaning) {name, sev, meaning},
#include "detectors/finding_kinds.def"
#undef RMACHECK_KIND
  };
  return kinds[k];
}

const CodeInfo& code_info(FindingCode c) {
  static const CodeInfo codes[] = {
#define RMACHECK_CODE(id, code, kind, meaning) {code, kKind_##kind, meaning},
#include "detectors/finding_codes.def"
#undef RMACHECK_CODE
  };
  return codes[c];
}

Finding coded_finding(FindingCode code) {
  Finding f;
  f.kind = code_info(code).kind;
  f.code = code;
  return f;
}

}  // namespace rmacheck
