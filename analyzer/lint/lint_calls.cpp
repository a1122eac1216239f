#include "lint/lint_calls.h"

#include <unordered_map>

namespace rmacheck::lint {

namespace {
const CallInfo kCalls[] = {
#define LINT_CALL(name, effect, obj, request, window, object, memory, origin, result, target, count, type, comm, \
                  assertion)                                                                                     \
  {#name, Effect::effect, obj, request, window, object, memory, origin, result, target, count, type, comm, assertion},
#include "lint/lint_calls.def"
#undef LINT_CALL
};
}  // namespace

const CallInfo* find_call(const std::string& name) {
  static const std::unordered_map<std::string, const CallInfo*> by_name = [] {
    std::unordered_map<std::string, const CallInfo*> m;
    for (const CallInfo& c : kCalls) m[c.name] = &c;
    return m;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

const char* object_words(ObjectKind k) {
  switch (k) {
    case kWindow:
      return "window";
    case kDatatype:
      return "datatype";
    case kComm:
      return "communicator";
    case kGroup:
      return "group";
    case kOp:
      return "user-defined op";
    default:
      return "object";
  }
}

const char* object_free_call(ObjectKind k) {
  switch (k) {
    case kWindow:
      return "MPI_Win_free";
    case kDatatype:
      return "MPI_Type_free";
    case kComm:
      return "MPI_Comm_free";
    case kGroup:
      return "MPI_Group_free";
    case kOp:
      return "MPI_Op_free";
    default:
      return "its free call";
  }
}

}  // namespace rmacheck::lint
