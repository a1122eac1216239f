// libclang hands out CXString objects that the caller must dispose of.
#pragma once

#include <clang-c/CXString.h>

#include <string>

namespace rmacheck::lint {

// The string's text, disposing of the CXString.
inline std::string take(CXString s) {
  const char* c = clang_getCString(s);
  std::string out = c ? c : "";
  clang_disposeString(s);
  return out;
}

}  // namespace rmacheck::lint
