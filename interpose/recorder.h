// Builds the CALL record of one intercepted MPI call (and its CALL_OUT record
// when it has outputs or failed).
//
// A wrapper (generated from mpi_calls.def) makes a Recorder, adds the
// call's input fields, calls enter() (the CALL record is in the log before
// MPI runs, so a call that never returns - a hang, an abort inside MPI - is
// still seen: its exit word stays zero), calls PMPI, then exit(rc), adds
// outputs and finish()es (stores the exit word, or appends the CALL_OUT).
// The helpers below are the vocabulary of the call table: they translate
// handles to ids and ranks to world ranks, and nothing more.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "call_ids.h"
#include "callsite.h"
#include "handles.h"
#include "local_watch.h"
#include "record_buffer.h"

namespace rmacheck {

struct Scratch;

// Call templates (log_format.h CALL_REPEAT). A wrapper's CALL record is a function of its argument values,
// the registries of handles.h and the call site when every parameter is a number, an address (void*), or
// a window, communicator, datatype or op handle, when the call logs no outputs, and when no parameter is a
// group (logged as its members, read from MPI), a request or a message. For such a call made with the
// same values from the same place as the thread's last one of the same id, while arguments_epoch() stayed
// the same, the interposer writes a CALL_REPEAT instead of encoding the fields again.
template <class T>
constexpr bool logged_by_value() {
  using U = std::remove_cv_t<T>;
  return std::is_arithmetic_v<U> || std::is_enum_v<U> || std::is_same_v<U, void*> || std::is_same_v<U, const void*> ||
         std::is_same_v<U, MPI_Win> || std::is_same_v<U, MPI_Comm> || std::is_same_v<U, MPI_Datatype> ||
         std::is_same_v<U, MPI_Op>;
}
template <class F>
struct ParametersByValue;
template <class R, class... P>
struct ParametersByValue<R (*)(P...)> {
  static constexpr bool value = (logged_by_value<P>() && ...);
};
// Compile-time text checks of a wrapper's table entry (MPICH's handles are all ints: a group or request
// parameter is told by its spelling).
constexpr bool spells(const char* text, const char* word) {
  for (; *text; ++text) {
    size_t i = 0;
    while (word[i] && text[i] == word[i]) ++i;
    if (!word[i]) return true;
  }
  return false;
}
constexpr bool no_statements(const char* text) {  // "()" or "( )": the wrapper adds nothing after the call
  for (; *text; ++text)
    if (*text != '(' && *text != ')' && *text != ' ') return false;
  return true;
}
template <class Pmpi>
constexpr bool repeatable_call(const char* params, const char* after) {
  return ParametersByValue<Pmpi>::value && no_statements(after) && !spells(params, "MPI_Group") &&
         !spells(params, "MPI_Request") && !spells(params, "MPI_Message");
}
constexpr size_t kMaxTemplateWords = 12;  // the most parameters of a repeatable call (Get_accumulate)

// The thread's last full record of a repeatable call: its argument values, where it was made from, and
// what it told the local-access watch.
struct CallTemplate {
  int call = -1;  // calls share kTemplateSlots slots by call id and site (direct-mapped): another's is a miss
  uint32_t words = 0;
  void* return_address = nullptr;
  uint64_t epoch = 0;
  uint64_t args[kMaxTemplateWords] = {};
  FieldList fields;  // what its record logged (a call with other values repeats those that are the same)
  // The encoded fields of the last CALL_OUT of a call that named this slot (kExitSameOutputs), or
  // kNoOutputs; not the template's own, but the slot's, as the reader keeps them.
  static constexpr uint8_t kNoOutputs = 0xff;
  uint8_t outputs_size = kNoOutputs;
  uint8_t outputs[kMaxRepeatedOutputs];
  // The fields the last CALL_REPEAT that named this slot listed, as encoded (CALL_REPEAT_SAME), or
  // RecordBuffer::kNoListing.
  uint8_t listing_size = RecordBuffer::kNoListing;
  uint8_t listing[kMaxRepeatedListing];
  WatchFacts facts;
};
// The slot of a call's template (1 to kTemplateSlots - 1, log_format.h): by call id and return address, so
// that calls of one id from several places of a loop (a halo's Puts to the left and to the right) each
// repeat their own.
inline unsigned template_slot_of(int call, const void* return_address) {
  const uint64_t h =
      (reinterpret_cast<uintptr_t>(return_address) + static_cast<uint64_t>(call)) * 0x9E3779B97F4A7C15ull;
  return 1 + static_cast<unsigned>(h >> 58) % (kTemplateSlots - 1);
}

class Recorder {
 public:
  Recorder(CallId call, void* return_address);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void i(FieldId f, int64_t v) {
    if (f == kF_size) note_region(f, v);
    rec_.field(f, v);
  }
  void addr(FieldId f, const void* p) {
    const auto v = static_cast<int64_t>(reinterpret_cast<uintptr_t>(p));
    if (f == kF_addr) note_region(f, v);
    rec_.field(f, v);
  }
  void ranks(FieldId f, const std::vector<int>& r) { rec_.array(f, r.data(), r.size()); }
  // An int array argument as given (Pready_list's partitions); a negative length logs none.
  void ints(FieldId f, const int* v, int n) { rec_.array(f, v, n > 0 && v ? static_cast<size_t>(n) : 0); }
  void comm(MPI_Comm c);
  void tag(FieldId f, int t) { rec_.field(f, t == MPI_ANY_TAG ? kTagAny : t); }
  // Returns whether the type may be passed to PMPI calls of ours (not null, not freed).
  bool dtype(FieldId f, MPI_Datatype t) {
    bool usable = false;
    rec_.field(f, datatype_id(t, &usable));
    return usable;
  }
  void op(MPI_Op o) { rec_.field(kF_op, op_id(o)); }
  void assertion(int a);
  void lock_type(int t) { rec_.field(kF_lock_type, t == MPI_LOCK_EXCLUSIVE ? kLockExclusive : kLockShared); }
  void group(MPI_Group g);

  // RMA: window, target (world rank), and target side.
  void win(MPI_Win w);
  void target(int rank);  // after win(): translated through the window's group
  void rma(MPI_Win w, int rank, MPI_Aint disp, int count, MPI_Datatype type);
  void origin(const void* a, int count, MPI_Datatype type);
  void result(const void* a, int count, MPI_Datatype type);

  // Point-to-point and collectives.
  void send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm c);
  void recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm c);
  void root(int r) { rec_.field(kF_root, comm_ ? comm_->world_rank_of(r) : r); }
  // Collectives (after comm()): the type signatures all members must agree on
  // (rma-semantics.md section 8). Only on intracommunicators: on an
  // intercommunicator the arguments of MPI_ROOT / MPI_PROC_NULL sides are not
  // significant and may be garbage no PMPI call of ours may touch.
  void coll_data(int count, MPI_Datatype t);                       // reductions: count x type on every member
  void coll_send(const void* sendbuf, int count, MPI_Datatype t);  // one member's block; MPI_IN_PLACE: kF_in_place
  void coll_recv(const void* recvbuf, int count, MPI_Datatype t);
  bool at_root(int r) const;                              // this process is the root r of the call's intracommunicator
  void status(MPI_Status* s);                             // after the call: source (world) and tag
  MPI_Status* status_out(MPI_Status* user);               // substitutes ours for MPI_STATUS_IGNORE
  MPI_Status* statuses_out(MPI_Status* user, int count);  // and for MPI_STATUSES_IGNORE

  // Requests.
  void new_request(MPI_Request* r, bool persistent);    // after a call that makes *r
  void watch(int count, MPI_Request* reqs);             // before a Start/Wait/Test/Free: logs their ids (kF_req)
  void watch_array(int count, MPI_Request* reqs);       // the same for an array argument (kF_reqs, even of one)
  void completed_all(MPI_Status* statuses);             // after Wait/Waitall/Testall(flag)
  void completed_index(int index, MPI_Status* status);  // after Waitany/Testany
  void completed_some(int outcount, const int* indices, MPI_Status* statuses);
  void freed_watched();              // after Request_free
  void new_message(MPI_Message* m);  // after Mprobe/Improbe
  void message(MPI_Message* m);      // before Mrecv/Imrecv: the probe's communicator

  // Objects.
  void new_comm(MPI_Comm c);
  void new_window(MPI_Win w, MPI_Comm comm, const void* base, MPI_Aint size, int disp_unit, int flavor);
  void new_type(MPI_Datatype t) { rec_.field(kF_new_type, register_datatype(t)); }
  void new_group(MPI_Group g);
  void new_op(MPI_Op o) { rec_.field(kF_new_op, register_op(o)); }

  // Before the input fields: returns false when this call repeats the thread's template for its call id
  // (kRepeatable: repeatable_call(); the record is then a CALL_REPEAT and the inputs are not added),
  // true when the wrapper must add them (the call site is added here).
  template <bool kRepeatable, class... A>
  bool needs_fields(const A&... a) {
    if constexpr (kRepeatable && sizeof...(A) <= kMaxTemplateWords) {
      constexpr size_t n = sizeof...(A);
      const uint64_t words[n + 1] = {as_word(a)..., 0};
      // Read before any lookup of this call's: a registry change during them makes the template stale at once.
      epoch_ = arguments_epoch();
      const unsigned slot = template_slot_of(call_, return_address_);
      rec_.template_slot(slot);
      template_ = slot_named_ = &templates_[slot];
      CallTemplate& t = *template_;
      const bool same_place = t.call == call_ && t.return_address == return_address_ && t.epoch == epoch_;
      if (same_place && same_words(words, t.args, std::make_index_sequence<n>{})) {
        repeat();
        return false;
      }
      if (same_place && t.fields.usable) {  // some values differ: a CALL_REPEAT of those fields, if only those
        compare_fields(words, n);
        return true;
      }
      // A full record: the slot's old template is gone (the analyzer's is this record from now on), and the
      // slot holds this call's values, to become the template if it returns without outputs (finish()).
      t.call = -1;
      t.words = n;
      for (size_t i = 0; i < n; ++i) t.args[i] = words[i];
      fields_anew();
      return true;
    } else {
      compare_with_template();
      return true;
    }
  }
  // The call's pcs (or Python location): what needs_fields() adds, for manual wrappers.
  void add_call_site() { record_callsite(rec_, return_address_); }

  void enter();
  void exit(int rc);
  void finish();

 private:
  template <class T>
  static uint64_t as_word(const T& v) {
    if constexpr (std::is_pointer_v<T>)
      return reinterpret_cast<uintptr_t>(v);
    else
      return static_cast<uint64_t>(v);
  }
  template <size_t... I>
  static bool same_words(const uint64_t* a, const uint64_t* b, std::index_sequence<I...>) {
    return ((a[I] == b[I]) & ... & true);  // no branch per word
  }
  void repeat();                                         // the record becomes a CALL_REPEAT of *template_
  void compare_fields(const uint64_t* words, size_t n);  // the fields to come are compared with its
  void fields_anew();                                    // a full record, which may become the template
  // A call whose fields are not a function of its argument values (a request's id, an output): its fields
  // are computed and compared with its slot's template's, whatever the call returned (log_format.h).
  void compare_with_template();
  void complete_slot(size_t slot, MPI_Status* s);
  void watch_into(FieldId f, int count, MPI_Request* reqs);
  void note_region(FieldId f, int64_t v);  // Win_attach/detach regions, for the local-access watch

  struct Scratch& s_;  // this thread's reusable buffers
  RecordBuffer& rec_;  // s_.rec, the record being built
  int64_t seq_ = 0, thread_ = 0;
  int64_t t_enter_ = 0, duration_ = 0;
  bool untimed_ = false;  // the call returns at once (call_traits.h): one clock read, duration 0
  // Call templates: the record is a CALL_REPEAT; or it is a full record that becomes the thread's template
  // for the call id if the call returns without outputs (candidate_, the call site was plain).
  bool repeated_ = false, candidate_ = false, compared_ = false;
  bool compared_only_ = false;       // compare_with_template(): a template even when the call had outputs
  const uint64_t* words_ = nullptr;  // compared_: the wrapper's argument values (alive until enter())
  size_t word_count_ = 0;
  CallId call_;
  void* return_address_;
  CallTemplate* templates_;             // this thread's
  CallTemplate* template_ = nullptr;    // for a repeatable call: its slot in templates_
  CallTemplate* slot_named_ = nullptr;  // the slot the record names (template_, or none: slot 0)
  uint64_t epoch_ = 0;                  // arguments_epoch() when a repeatable call's values were compared
  int rc_ = MPI_SUCCESS;
  // Communicator of the call, for translating peers and status sources, and its window: held by the
  // thread's caches for the call (comm_info_for_call), or by held_comm_ (a probed message's).
  const CommInfo* comm_ = nullptr;
  const WinInfo* win_ = nullptr;
  CommRef held_comm_;
  MPI_Status one_status_;
};

}  // namespace rmacheck
