#include "recorder.h"

#include <algorithm>
#include <cstring>

#include "call_traits.h"
#include "callsite.h"
#include "local_watch.h"
#include "runtime.h"

namespace rmacheck {

static_assert(kCallCount <= kCallIdMask + 1, "call ids share a CALL head's u16 with the template slot");

struct WatchedRequest {
  MPI_Request handle;
  RequestView info;
  bool known;
};

// One set of buffers per thread: wrappers do not nest (t_in_wrapper), so a
// thread never needs two at once, and nothing is allocated per call once warm.
struct Scratch {
  CallTemplate templates[kTemplateSlots];
  FieldList fields;  // a compared call's (Recorder::compare_fields)
  RecordBuffer rec;
  ThreadDeltas deltas;      // what this thread's CALL / CALL_OUT records are deltas from
  uint8_t* call = nullptr;  // the current call's record in the log (its exit word is stored at return)
  std::vector<WatchedRequest> watched;
  std::vector<int64_t> ids, done, srcs, tags;
  std::vector<MPI_Status> statuses;
  WatchFacts facts;  // what the call changes in the memory local accesses are watched in
};
namespace {
// This thread's Scratch by a plain __thread pointer: a thread_local object with a constructor costs a
// TLS init call at every use, twice per MPI call. The owner frees it at thread exit; a call after that
// (from another thread-exit destructor) gets one that is never freed.
__thread Scratch* t_scratch = nullptr;
__thread bool t_scratch_freed = false;
struct ScratchOwner {
  Scratch* scratch = nullptr;
  ~ScratchOwner() {
    delete scratch;
    t_scratch = nullptr;
    t_scratch_freed = true;
  }
};

__attribute__((noinline)) Scratch& new_scratch() {
  t_scratch = new Scratch;
  if (!t_scratch_freed) {
    thread_local ScratchOwner owner;
    owner.scratch = t_scratch;
  }
  return *t_scratch;
}

// call_traits(c).returns_at_once() by call id, computed at compile time: one load per call.
struct ReturnsAtOnce {
  bool of[kCallCount] = {};
  constexpr ReturnsAtOnce() {
    for (int c = 0; c < kCallCount; ++c) of[c] = call_traits(static_cast<CallId>(c)).returns_at_once();
  }
  constexpr bool operator[](int c) const { return c >= 0 && c < kCallCount && of[c]; }
};
constexpr ReturnsAtOnce kReturnsAtOnce;

Scratch& this_thread_scratch() { return __builtin_expect(t_scratch != nullptr, 1) ? *t_scratch : new_scratch(); }

int translate_assert(int a) {
  int bits = 0;
  if (a & MPI_MODE_NOCHECK) bits |= kModeNoCheck;
  if (a & MPI_MODE_NOSTORE) bits |= kModeNoStore;
  if (a & MPI_MODE_NOPUT) bits |= kModeNoPut;
  if (a & MPI_MODE_NOPRECEDE) bits |= kModeNoPrecede;
  if (a & MPI_MODE_NOSUCCEED) bits |= kModeNoSucceed;
  return bits;
}
}  // namespace

Recorder::Recorder(CallId call, void* return_address)
    : s_(this_thread_scratch()), rec_(s_.rec), call_(call), return_address_(return_address), templates_(s_.templates) {
  t_in_wrapper = true;
  local_watch_enter();  // guarded pages open: MPI's copies never meet a protected page
  local_watch_flush();  // the program's accesses since this thread's last call go before this call
  // Numbered after them (the thread's own count: the analyzer takes a thread's order from the records'
  // order in the log; seq is shown by `rmacheck dump`).
  seq_ = next_seq();
  untimed_ = kReturnsAtOnce[call];
  if (local_watch_active()) {  // the facts are for the local-access watch alone
    s_.facts.clear();
    s_.facts.call = call;
  }
  s_.watched.clear();
  thread_ = thread_id();
  t_enter_ = call_clock();
  if (t_enter_ >= g_next_clock_pair.load(std::memory_order_relaxed)) log_clock_pair();  // every 100 ms
  s_.rec.begin_call(call, thread_, seq_, t_enter_, s_.deltas);
}

void Recorder::repeat() {
  s_.rec.repeat_call();
  template_->listing_size = 0;  // it lists no field (RecordBuffer::repeat_same_listing)
  if (local_watch_active()) s_.facts = template_->facts;
  repeated_ = true;
}

void Recorder::compare_fields(const uint64_t* words, size_t n) {
  // The call site is the template's (the same return address, a plain one): it is not looked up again.
  s_.rec.compare_fields(&template_->fields, &s_.fields);
  compared_ = true;
  words_ = words, word_count_ = n;
}

void Recorder::compare_with_template() {
  const unsigned slot = template_slot_of(call_, return_address_);
  rec_.template_slot(slot);
  template_ = slot_named_ = &templates_[slot];
  compared_only_ = true;
  CallTemplate& t = *template_;
  // The values are compared one by one, so a handle registry change cannot make the template stale; the
  // call site is not looked up again, which holds while arguments_epoch() stays (module rescans count).
  epoch_ = arguments_epoch();
  if (t.call == call_ && t.return_address == return_address_ && t.epoch == epoch_ && t.fields.usable)
    return compare_fields(nullptr, 0);
  t.call = -1;
  t.words = 0;
  fields_anew();
}

void Recorder::fields_anew() {
  static const bool repeats = runtime().flags.repeats;  // read at MPI_Init, before the first call
  s_.rec.keep_fields(&template_->fields);
  candidate_ = record_callsite(s_.rec, return_address_) && repeats;
  if (!candidate_) {  // no template: the reader need not keep its fields as one
    s_.rec.clear_template_slot();
    slot_named_ = nullptr;
  }
}

Recorder::~Recorder() {
  local_watch_leave();
  t_in_wrapper = false;
}

void Recorder::enter() {
  if (compared_) {
    if (s_.rec.end_fields()) {
      repeated_ = true;
      // One that lists what the slot's last repeat listed (a displacement one step on) lists nothing.
      s_.rec.repeat_same_listing(template_->listing, template_->listing_size);
    } else {
      // Other fields than the template's (another branch of the wrapper): a full record, the new template.
      CallTemplate& t = *template_;
      t.call = -1;
      t.words = static_cast<uint32_t>(word_count_);
      std::copy(words_, words_ + word_count_, t.args);
      t.fields = s_.fields;
      candidate_ = true;
    }
  } else {
    s_.rec.end_fields();  // the fields noted for a template (fields_anew) end here
  }
  s_.call = runtime().log.append(s_.rec.data(), s_.rec.size());
  t_in_pmpi = true;
}

void Recorder::exit(int rc) {
  t_in_pmpi = false;
  rc_ = rc;
  duration_ = untimed_ ? 0 : call_clock() - t_enter_;  // a call that returns at once is not timed (~25 ns)
  s_.rec.begin_call_out_fields(s_.deltas);
  if (rc != MPI_SUCCESS) {
    // The error string is the MPI library's: the analyzer cannot look it up later.
    char text[MPI_MAX_ERROR_STRING + 1] = {0};
    int len = 0;
    if (PMPI_Error_string(rc, text, &len) == MPI_SUCCESS && len > 0) s_.rec.field(kF_error_string, intern_string(text));
  }
}

void Recorder::finish() {
  // The common call (success, no outputs) costs no record of its own: its exit word says it returned.
  // So does one whose outputs are encoded as the last ones of its slot (a Wait of the same request).
  const bool success = s_.call && rc_ == MPI_SUCCESS && duration_ >= 0 && duration_ <= kExitMaxDuration;
  const size_t out_bytes = s_.rec.call_out_field_bytes();
  const bool plain = success && out_bytes == 0;
  CallTemplate* const named = slot_named_;
  if (plain) {
    LogWriter::store_exit(s_.call, kExitReturned | static_cast<uint32_t>(duration_));
  } else if (success && named && out_bytes == named->outputs_size &&
             std::memcmp(s_.rec.call_out_fields(), named->outputs, out_bytes) == 0) {
    LogWriter::store_exit(s_.call, kExitReturned | kExitSameOutputs | static_cast<uint32_t>(duration_));
  } else {
    if (named) {  // what the reader keeps for the slot: this CALL_OUT's fields
      const bool fits = out_bytes <= kMaxRepeatedOutputs;
      named->outputs_size = fits ? static_cast<uint8_t>(out_bytes) : CallTemplate::kNoOutputs;
      if (fits) std::memcpy(named->outputs, s_.rec.call_out_fields(), out_bytes);
    }
    size_t n = 0;
    const uint8_t* out = s_.rec.call_out_head(thread_, rc_, duration_, n);
    runtime().log.append(out, n);
  }
  // A full record of a repeatable call that returned without outputs, or of a compared call: our template.
  if (candidate_ && (plain || compared_only_)) {
    CallTemplate& t = *template_;  // its argument values are there already
    t.call = call_;
    t.return_address = return_address_;
    t.epoch = epoch_;
    if (local_watch_active()) t.facts = s_.facts;
  }
  if (local_watch_active()) local_watch_after_call(s_.facts);
}

void Recorder::note_region(FieldId f, int64_t v) {
  if (f == kF_addr) s_.facts.addr = static_cast<uintptr_t>(v);
  if (f == kF_size) s_.facts.size = v;
}

void Recorder::comm(MPI_Comm c) {
  comm_ = comm_info_for_call(c);
  if (comm_)
    s_.rec.field(kF_comm, comm_->id);
  else if (c == MPI_COMM_NULL)
    s_.rec.field(kF_comm, kCommNull);
}

void Recorder::coll_data(int count, MPI_Datatype t) {
  if (!comm_ || comm_->intercomm) return;
  i(kF_count, count);
  dtype(kF_type, t);
}

void Recorder::coll_send(const void* sendbuf, int count, MPI_Datatype t) {
  if (!comm_ || comm_->intercomm) return;
  if (sendbuf == MPI_IN_PLACE) return i(kF_in_place, 1);
  i(kF_count, count);
  dtype(kF_type, t);
}

void Recorder::coll_recv(const void* recvbuf, int count, MPI_Datatype t) {
  if (!comm_ || comm_->intercomm) return;
  if (recvbuf == MPI_IN_PLACE) return i(kF_in_place, 1);
  i(kF_recv_count, count);
  dtype(kF_recv_type, t);
}

bool Recorder::at_root(int r) const {
  return comm_ && !comm_->intercomm && comm_->world_rank_of(r) == runtime().world_rank;
}

void Recorder::assertion(int a) { s_.rec.field(kF_assert, translate_assert(a)); }

void Recorder::win(MPI_Win w) {
  win_ = win_info_for_call(w);
  s_.facts.win = w;
  s_.rec.field(kF_win, win_ ? win_->id : w == MPI_WIN_NULL ? kWinNull : 0);
}

void Recorder::group(MPI_Group g) {
  // A freed group is named by its old id (it must not reach PMPI_Group_size), MPI_GROUP_NULL by kGroupNull.
  if (g == MPI_GROUP_NULL) return s_.rec.field(kF_group_id, kGroupNull);
  if (const int64_t freed = freed_group_id(g)) return s_.rec.field(kF_group_id, freed);
  ranks(kF_group, group_world_ranks(g));
}

void Recorder::target(int rank) {
  int64_t world = rank;
  if (rank == MPI_PROC_NULL)
    world = kRankProcNull;
  else if (win_ && rank >= 0 && static_cast<size_t>(rank) < win_->members.size())
    world = win_->members[static_cast<size_t>(rank)];
  else
    world = encode_invalid_rank(rank);
  s_.facts.target = world;
  s_.rec.field(kF_target, world);
}

void Recorder::rma(MPI_Win w, int rank, MPI_Aint disp, int count, MPI_Datatype type) {
  win(w);
  target(rank);
  s_.rec.field(kF_disp, disp);
  s_.rec.field(kF_target_count, count);
  dtype(kF_target_type, type);
}

void Recorder::origin(const void* a, int count, MPI_Datatype type) {
  addr(kF_origin_addr, a);
  s_.rec.field(kF_origin_count, count);
  if (dtype(kF_origin_type, type))
    if (local_watch_active())
      add_span(s_.facts, a, count, type, s_.facts.call == kCall_Get || s_.facts.call == kCall_Rget);
}

void Recorder::result(const void* a, int count, MPI_Datatype type) {
  addr(kF_result_addr, a);
  s_.rec.field(kF_result_count, count);
  if (dtype(kF_result_type, type) && local_watch_active()) add_span(s_.facts, a, count, type, true);
}

void Recorder::send(const void* buf, int count, MPI_Datatype type, int dest, int t, MPI_Comm c) {
  comm(c);
  addr(kF_buf, buf);
  s_.rec.field(kF_count, count);
  if (dtype(kF_type, type) && local_watch_active()) add_span(s_.facts, buf, count, type, false);
  s_.rec.field(kF_peer, comm_ ? comm_->world_rank_of(dest) : dest);
  tag(kF_tag, t);
}

void Recorder::recv(void* buf, int count, MPI_Datatype type, int source, int t, MPI_Comm c) {
  comm(c);
  addr(kF_recv_buf, buf);
  s_.rec.field(kF_recv_count, count);
  if (dtype(kF_recv_type, type) && local_watch_active()) add_span(s_.facts, buf, count, type, true);
  s_.rec.field(kF_recv_peer, comm_ ? comm_->world_rank_of(source) : source);
  tag(kF_recv_tag, t);
}

MPI_Status* Recorder::status_out(MPI_Status* user) { return user == MPI_STATUS_IGNORE ? &one_status_ : user; }

MPI_Status* Recorder::statuses_out(MPI_Status* user, int count) {
  if (user != MPI_STATUSES_IGNORE) return user;
  if (s_.statuses.size() < static_cast<size_t>(count)) s_.statuses.resize(static_cast<size_t>(count));
  return s_.statuses.data();
}

void Recorder::status(MPI_Status* st) {
  int64_t src = comm_ ? comm_->world_rank_of(st->MPI_SOURCE) : st->MPI_SOURCE;
  s_.rec.field(kF_status_src, src);
  s_.rec.field(kF_status_tag, st->MPI_TAG == MPI_ANY_TAG ? kTagAny : st->MPI_TAG);
}

void Recorder::new_request(MPI_Request* r, bool persistent) {
  if (!r || *r == MPI_REQUEST_NULL) return;
  const int64_t id = register_request(*r, persistent, comm_ ? comm_->shared_from_this() : nullptr);
  s_.facts.new_req = id;
  s_.facts.persistent = persistent;
  s_.rec.field(kF_new_req, id);
}

void Recorder::watch(int count, MPI_Request* reqs) { watch_into(kF_req, count, reqs); }
void Recorder::watch_array(int count, MPI_Request* reqs) { watch_into(kF_reqs, count, reqs); }

void Recorder::watch_into(FieldId f, int count, MPI_Request* reqs) {
  s_.watched.clear();
  s_.ids.clear();
  for (int i = 0; i < count; ++i) {
    WatchedRequest w{reqs[i], {}, false};
    const size_t sharing = request_view(reqs[i], w.info);
    w.known = sharing > 0;
    if (sharing > 1) {  // one handle for several requests: the k-th slot holding it takes the k-th of them
      size_t nth = 0;
      for (int j = 0; j < i; ++j) nth += reqs[j] == reqs[i];
      if (nth > 0) request_view(reqs[i], w.info, nth);
    }
    s_.ids.push_back(w.known ? w.info.id : 0);
    s_.watched.push_back(w);
  }
  s_.rec.array(f, s_.ids.data(), s_.ids.size());
  if (local_watch_active() && (s_.facts.call == kCall_Start || s_.facts.call == kCall_Startall))
    s_.facts.started = s_.ids;
}

void Recorder::complete_slot(size_t slot, MPI_Status* st) {
  if (slot >= s_.watched.size()) return;
  WatchedRequest& w = s_.watched[slot];
  if (!w.known) return;
  s_.done.push_back(w.info.id);
  if (local_watch_active()) s_.facts.done.push_back(w.info.id);
  int64_t src = kRankProcNull, t = kTagAny;
  if (st) {
    src = w.info.comm ? w.info.comm->world_rank_of(st->MPI_SOURCE) : st->MPI_SOURCE;
    t = st->MPI_TAG == MPI_ANY_TAG ? kTagAny : st->MPI_TAG;
  }
  s_.srcs.push_back(src);
  s_.tags.push_back(t);
  // A completed nonblocking request is gone (MPI set the handle to MPI_REQUEST_NULL);
  // a persistent one stays allocated and inactive.
  if (!w.info.persistent) forget_request(w.handle, w.info.id);
}

void Recorder::completed_all(MPI_Status* statuses) {
  s_.done.clear(), s_.srcs.clear(), s_.tags.clear();
  for (size_t i = 0; i < s_.watched.size(); ++i) complete_slot(i, statuses ? &statuses[i] : nullptr);
  s_.rec.array(kF_done, s_.done.data(), s_.done.size());
  s_.rec.array(kF_status_src, s_.srcs.data(), s_.srcs.size());
  s_.rec.array(kF_status_tag, s_.tags.data(), s_.tags.size());
}

void Recorder::completed_index(int index, MPI_Status* st) {
  s_.done.clear(), s_.srcs.clear(), s_.tags.clear();
  s_.rec.field(kF_index, index);
  if (index != MPI_UNDEFINED && index >= 0) complete_slot(static_cast<size_t>(index), st);
  s_.rec.array(kF_done, s_.done.data(), s_.done.size());
  s_.rec.array(kF_status_src, s_.srcs.data(), s_.srcs.size());
  s_.rec.array(kF_status_tag, s_.tags.data(), s_.tags.size());
}

void Recorder::completed_some(int outcount, const int* indices, MPI_Status* statuses) {
  s_.done.clear(), s_.srcs.clear(), s_.tags.clear();
  for (int k = 0; k < outcount && outcount != MPI_UNDEFINED; ++k)
    complete_slot(static_cast<size_t>(indices[k]), statuses ? &statuses[k] : nullptr);
  s_.rec.array(kF_done, s_.done.data(), s_.done.size());
  s_.rec.array(kF_status_src, s_.srcs.data(), s_.srcs.size());
  s_.rec.array(kF_status_tag, s_.tags.data(), s_.tags.size());
}

void Recorder::freed_watched() {
  for (auto& w : s_.watched)
    if (w.known) {
      forget_request(w.handle, w.info.id);
      if (local_watch_active()) s_.facts.done.push_back(w.info.id);
    }
}

void Recorder::new_message(MPI_Message* m) {
  if (m && *m != MPI_MESSAGE_NULL && *m != MPI_MESSAGE_NO_PROC)
    register_message(*m, comm_ ? comm_->shared_from_this() : nullptr);
}

void Recorder::message(MPI_Message* m) {
  held_comm_ = m ? take_message(*m) : nullptr;
  comm_ = held_comm_.get();
  if (comm_) s_.rec.field(kF_comm, comm_->id);
}

void Recorder::new_comm(MPI_Comm c) {
  if (c == MPI_COMM_NULL) return;
  CommRef info = register_comm(c);
  s_.rec.field(kF_new_comm, info->id);
  ranks(kF_members, info->members);
}

void Recorder::new_window(MPI_Win w, MPI_Comm c, const void* base, MPI_Aint size, int disp_unit, int flavor) {
  WinGeometry geo;
  WinRef info = register_window(w, c, base, size, disp_unit, geo);
  s_.rec.field(kF_new_win, info->id);
  s_.rec.field(kF_win_flavor, flavor);
  ranks(kF_members, info->members);
  s_.rec.array(kF_win_bases, geo.bases.data(), geo.bases.size());
  s_.rec.array(kF_win_sizes, geo.sizes.data(), geo.sizes.size());
  s_.rec.array(kF_win_units, geo.units.data(), geo.units.size());
  const std::vector<int64_t> mapped = local_watch_window(w, base, size, flavor, static_cast<int>(info->members.size()));
  if (!mapped.empty()) s_.rec.array(kF_win_local_bases, mapped.data(), mapped.size());
  int* model = nullptr;
  int found = 0;
  if (PMPI_Win_get_attr(w, MPI_WIN_MODEL, &model, &found) == MPI_SUCCESS && found && model)
    s_.rec.field(kF_win_model, *model == MPI_WIN_SEPARATE ? 2 : 1);
}

void Recorder::new_group(MPI_Group g) {
  if (g == MPI_GROUP_NULL || g == MPI_GROUP_EMPTY) return;
  std::vector<int> members;
  s_.rec.field(kF_new_group, register_group(g, members));
  ranks(kF_members, members);
}

}  // namespace rmacheck
