// On-disk format of the per-rank event logs. Shared by the interposer, which
// writes it, and the analyzer, which reads it; nothing here depends on MPI.
//
// A log file is a text header followed by records:
//   header:  "RMACHECK-LOG <version>\n" then "key=value\n" lines, then "\n",
//            padded with '\n' to kHeaderSize bytes.
//   record:  a size word (u32, little endian; 0 = no more records), then the
//            payload: u8 record type, then varints (see below); the next
//            record starts at the next multiple of 4. Two forms:
//            short (bit kRecordShort set; a record of at most kShortRecordMax
//            bytes, which every record that fits is): bits 16-29 the whole
//            record's size, bits 0-15 the payload's checksum folded to 16
//            bits; the payload follows the word.
//            long: bits 0-29 the size, then a u32 checksum, then the payload.
//            (Before format 5 every record was long: the reader reads both.)
// A writer reserves a record by storing its size word with kRecordPending
// (a compare-and-swap on the zero word at the end of the log: no lock, and
// the reservation and the mark are one store), fills the payload, then
// stores the plain size. A process killed mid-write leaves a pending record
// (dropped; other threads' records may follow it) or zeros, never a half
// record that looks whole. A log whose records end in zeros without an END
// record belongs to a rank that did not finish (crash, kill, abort, hang).
//
// One MPI call is one CALL record (kCallHead bytes of fixed head, then
// varints), written before the call runs. Its exit word is reserved zero and
// stored in place when the call returns: 0 means the rank was still inside
// the call when the log ended. A call that returns an error, takes longer
// than kExitMaxDuration or records outputs instead leaves the exit word zero
// and appends a CALL_OUT record (its thread's last call returned: return
// code, duration, output fields); unless (since format 6) it returned
// MPI_SUCCESS with outputs encoded as the same bytes as the last CALL_OUT
// of a call of its thread that named the same template slot (a Wait of
// the same request, an Irecv whose request id is the last one + 2): its
// exit word says so (kExitSameOutputs), and the reader decodes those bytes
// again, advancing the field deltas as they did. A call that returns at once
// (CallTraits::returns_at_once: RMA communication, Start, nonblocking sends
// and receives) is not timed: its duration is 0. Sequence numbers count the
// thread's records (not the process's). Sequence numbers and entry times are
// deltas from the same thread's previous CALL record, and every field value
// of CALL and CALL_OUT records (the first element of an array) is a delta
// from the last value of that field in the same thread's CALL/CALL_OUT
// records (ThreadDeltas): a repeated handle, count or call site costs 2 bytes.
// An array's other elements are plain before format 7; since, each is a
// delta from the element before it (request ids 663, 664 encode as +2, +1
// when the last ones were 661, 662: the same bytes every iteration).
//
// A call made again from the same place is a CALL_REPEAT record: a CALL
// head, the seq and time deltas, then the fields whose values differ from
// those of its template, as deltas like a CALL's; its other fields are the
// template's. The template is the same thread's last CALL record that named
// the same template slot (since format 5: bits 10-15 of the head's call id
// word, kTemplateSlotShift; the interposer picks a slot by call id and call
// site, so that a loop's Puts from two lines each repeat their own; slot 0:
// the record is no template), and it must be of the same call id. In a
// format 4 log a call id's template is the thread's last CALL of that id.
// The template's fields are those of its CALL record: the outputs of a
// CALL_OUT that follows it are not (since format 6; before, no template
// had outputs, so it is the same rule). The field deltas of fields it
// does not list are not advanced. The interposer compares a call with its
// template by argument values when the record's fields follow from them
// alone (numbers, addresses, window, communicator, datatype and op
// handles, none freed or made since) and that call returned without
// outputs: with the same values it is 16 bytes and skips all the
// encoding. Other calls (a request's id, a call with outputs: Start, Wait,
// Isend) are compared field by field once their fields are computed
// (since format 6). Either way the new call must log the same fields in
// the same order; a Put to a new displacement lists the displacement alone.
// Since format 7 a CALL_REPEAT_SAME record is a CALL_REPEAT that lists the
// same bytes as the last CALL_REPEAT of its thread that named the same
// slot, without writing them: the reader decodes those bytes again,
// advancing the deltas as they did (a Put whose displacement grows by the
// same step each time, a Waitall of the next two requests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rmacheck {

// 6: templates of calls with outputs (a template is its CALL record's fields, without its CALL_OUT's).
// 5: short records (a 4-byte prefix: size and a 16-bit checksum in one word); template slots in CALL heads.
// 4: CALL_REPEAT records (a call repeated with the same arguments: its template's fields).
// 3: one CALL record per call (exit word stored in place), per-thread deltas, lock-free appends.
// 2: invalid rank arguments logged as kRankInvalid + rank (1: -1000 - rank, which lost negative ranks).
// 7: array elements after the first as deltas from the one before; CALL_REPEAT_SAME records.
constexpr int kLogFormatVersion = 7;
constexpr int kOldestReadableLogFormat = 3;  // a version 3 log is a version 4 log without CALL_REPEAT records,
                                             // a version 4 log a version 5 log without short records,
                                             // a version 5 log a version 6 log without templates with outputs,
                                             // a version 6 log a version 7 log with plain array elements
                                             // and without CALL_REPEAT_SAME records
constexpr size_t kHeaderSize = 4096;
constexpr char kLogMagic[] = "RMACHECK-LOG";
// Header key the writer adds when it could not grow the file (disk full):
// "logging_stopped=<offset> <reason>"; no record at or after offset was written.
constexpr char kLoggingStoppedKey[] = "logging_stopped";
// Size-word bit of a record whose payload was still being copied (the writer died there).
constexpr uint32_t kRecordPending = 0x80000000u;
// Records start on 4-byte boundaries so the size word can be stored atomically.
constexpr size_t record_stride(size_t record_size) { return (record_size + 3) & ~size_t{3}; }
// The two forms of a record (above). A record is short if it fits: its payload and exit word keep the
// 4-byte alignment of the long form.
constexpr uint32_t kRecordShort = 0x40000000u;
constexpr size_t kShortRecordMax = 0x3fff;
constexpr size_t kShortPrefix = 4;  // the size word
constexpr size_t kLongPrefix = 8;   // the size word and the checksum
constexpr size_t kLongRecordMax = kRecordShort - 1;
constexpr size_t record_prefix_for(size_t payload_size) {
  return payload_size + kShortPrefix <= kShortRecordMax ? kShortPrefix : kLongPrefix;
}
// What a size word (kRecordPending masked off or not) says: the whole record's size, and where its payload starts.
constexpr size_t record_size_of(uint32_t word) {
  return word & kRecordShort ? (word >> 16) & kShortRecordMax : word & kLongRecordMax;
}
constexpr size_t record_prefix_of(uint32_t word) { return word & kRecordShort ? kShortPrefix : kLongPrefix; }
// The size word of a record: while it is being copied (pending, no checksum yet) and once it is whole.
constexpr uint32_t pending_size_word(size_t record_size, bool is_short) {
  return (is_short ? kRecordShort | static_cast<uint32_t>(record_size) << 16 : static_cast<uint32_t>(record_size)) |
         kRecordPending;
}
constexpr uint16_t short_checksum(uint32_t sum) { return static_cast<uint16_t>(sum ^ (sum >> 16)); }
constexpr uint32_t short_size_word(size_t record_size, uint32_t sum) {
  return kRecordShort | static_cast<uint32_t>(record_size) << 16 | short_checksum(sum);
}

enum RecordType : uint8_t {
  // One call: u8 type, u16 call id, u8 thread (kThreadInVarint: a varint after the head), u32 exit word,
  // then varints: [thread], seq delta, entry time delta (ns), then fields (deltas).
  kRecCall = 1,
  // The thread's last CALL returned: thread, return code, duration (ns), then output fields (deltas).
  kRecCallOut = 2,
  kRecString = 3,   // id, length, bytes
  kRecModules = 4,  // count, then per module: start, end, load_bias, path length, path bytes
  kRecTypedef =
      5,  // id, basic code, size, lb, extent, true_lb, true_extent, truncated, nblocks, then (offset, length, basic)*
  kRecEnd = 6,  // time_ns: the rank left MPI_Finalize normally
  // The program's own loads and stores of watched memory in one interval between two MPI calls of a
  // thread, logged before the thread's next call (rma-semantics.md section 7): local kind, thread, seq,
  // time_ns, then fields addr, size (the byte range), access_count, pcs (the first access, then its callers).
  // Independent of how the access was seen (instrumented code, guarded pages).
  kRecLocal = 7,
  kRecInstrumented = 8,   // count, then per module: path length, path bytes (code whose loads and stores are seen)
  kRecSignal = 9,         // signo, si_code, time_ns: a fatal signal arrived (written by the signal handler, once)
  kRecExitCall = 10,      // status, thread, inside a call (0/1), time_ns: _exit called (the MPI library aborting)
  kRecErrorClasses = 11,  // count, then per class: code, length, bytes (MPI_Error_string), logged at MPI_Init
  // Guarded pages (--guard-memory, RMACHECK_GUARD=1): this rank's loads and stores of watched memory are
  // seen through page protection. Length, then text: key=value lines (the fault budget, the MPI settings
  // chosen so that MPI's own copies never meet a protected page, the Python frame reader).
  kRecGuard = 12,
  // A reading of the cycle counter and of CLOCK_MONOTONIC (ns) at the same instant, in a log whose header
  // says call_clock=tsc: CALL and CALL_OUT times and durations are counter ticks, which the analyzer
  // converts to ns between these pairs (logged at the start, +1 ms, by a call 100 ms after the last, at the end).
  kRecClock = 13,
  // A thread-level synchronization of the program (interpose/thread_sync.cpp), logged in the calling thread's
  // program order, only once the rank has a second thread: sync kind (SyncKind), thread, seq, time_ns, then
  // fields sync_object, sync_count, sync_by_runtime. Makes happens-before edges between the threads of one
  // rank (analyzer/model/thread_order.cpp).
  kRecThreadSync = 14,
  // signo, thread, seq, time_ns, then fields (kF_pcs, kF_py_*): a stop signal (SIGTERM: `run --timeout`,
  // Ctrl-C) found this thread outside MPI calls; where it was. Read like LOCAL records (one layout).
  kRecStopped = 15,
  // A CALL whose fields are its template's (above) but those it lists: the CALL head, [thread], seq and
  // time deltas, then the fields that differ (deltas).
  kRecCallRepeat = 16,
  // Since format 7: a CALL_REPEAT whose fields that differ are the same bytes as those the thread's last
  // CALL_REPEAT of the same template slot listed (at most kMaxRepeatedListing): the CALL head, [thread],
  // seq and time deltas, and nothing more.
  kRecCallRepeatSame = 17,
};
constexpr bool is_call_record(uint8_t type) {
  return type == kRecCall || type == kRecCallRepeat || type == kRecCallRepeatSame;
}
// The fixed head of a CALL record's payload; the exit word is its second 4-byte word (aligned in the file).
constexpr size_t kCallHead = 8;
// The head's u16 after the type (format 5): the call id in its low bits, the template slot above them.
constexpr unsigned kTemplateSlotShift = 10;
constexpr unsigned kTemplateSlots = 64;  // slots 1-63 (0: none)
constexpr uint16_t kCallIdMask = (1u << kTemplateSlotShift) - 1;
constexpr size_t kExitWordOffset = 4;
constexpr uint8_t kThreadInVarint = 0xff;
// Exit word: kExitReturned | duration in ns, for a call that returned MPI_SUCCESS without outputs; since
// format 6 also | kExitSameOutputs for one whose outputs are encoded as those of the last CALL_OUT of a
// call that named the same template slot (same bytes: same fields, same deltas), and the duration has 30
// bits. A format 5 log's exit word has a 31-bit duration and no flag.
constexpr uint32_t kExitReturned = 0x80000000u;
constexpr uint32_t kExitSameOutputs = 0x40000000u;
constexpr int64_t kExitMaxDuration = 0x3fffffff;
constexpr uint32_t kExitDurationMask = 0x3fffffff, kExitDurationMaskBefore6 = 0x7fffffff;
// The longest output encoding (CALL_OUT fields, bytes) that a later call of the slot can repeat so.
constexpr size_t kMaxRepeatedOutputs = 24;
// The longest listing (CALL_REPEAT fields, bytes) that a later CALL_REPEAT_SAME of the slot can repeat.
constexpr size_t kMaxRepeatedListing = 24;
// The checksum of a CALL (and CALL_REPEAT) record covers its payload with the exit word read as zero.
constexpr uint64_t kCallChecksumMask = 0x00000000ffffffffull;

enum LocalKind : int { kLocalRead = 0, kLocalWrite = 1 };
// What a kRecThreadSync record says the thread did to sync_object:
// - release / acquire: sync_count is the object's release counter, taken while the object was held (a
//   mutex) or read after the acquire returned; an acquire with count c follows every release of the same
//   object with count <= c (mutex unlock -> lock, cond signal -> wait return, thread create -> child
//   start, child end -> join);
// - arrive / depart (barriers): sync_count is the generation; every arrival of a generation happens
//   before every departure of it.
enum SyncKind : int { kSyncRelease = 0, kSyncAcquire = 1, kSyncArrive = 2, kSyncDepart = 3 };
// Which runtime's synchronization a kRecThreadSync record comes from (sync_by_runtime).
// kSyncAtomic: C11/C++ atomics of instrumented code (a release store or read-modify-write, an acquire
// load or read-modify-write, by address), interpose/local_access/atomic_sync.h.
enum SyncRuntime : int { kSyncPthread = 1, kSyncGomp = 2, kSyncOmpt = 3, kSyncAtomic = 4 };
// sync_object of thread creation and of an OpenMP team: tokens above every user-space address.
constexpr int64_t kSyncTokenBase = int64_t{1} << 56;

enum FieldId : uint8_t {
#define RMACHECK_FIELD(id, name) kF_##id,
#include "log_fields.def"
#undef RMACHECK_FIELD
  kFieldCount
};
static_assert(kFieldCount < 128, "field keys are 7 bits (kArrayBit is the eighth)");
// The analyzer keeps a 64-bit presence mask per event: fields 0..62 have a bit of their own, the rarely
// used fields from 63 on share bit 63 (a lookup of one of them scans the event's fields when it is set).
constexpr int presence_bit(int field) { return field < 63 ? field : 63; }
// A field key with this bit set carries an array: varint count, then values.
constexpr uint8_t kArrayBit = 0x80;

constexpr int64_t kRankAny = -1;       // MPI_ANY_SOURCE
constexpr int64_t kRankProcNull = -2;  // MPI_PROC_NULL
// A rank argument that names no process (outside the communicator's or the
// window's group, or negative and not MPI_PROC_NULL / MPI_ANY_SOURCE) is
// logged as kRankInvalid + the rank as given: far from every world rank and
// special value, for any int the program passed (-1 included).
constexpr int64_t kRankInvalid = -(int64_t{1} << 40);
constexpr int64_t encode_invalid_rank(int64_t given) { return kRankInvalid + given; }
constexpr bool is_invalid_rank(int64_t logged) {
  return logged >= kRankInvalid - (int64_t{1} << 31) && logged < kRankInvalid + (int64_t{1} << 31);
}
constexpr int64_t invalid_rank_as_given(int64_t logged) { return logged - kRankInvalid; }
constexpr int64_t kTagAny = -1;  // MPI_ANY_TAG (stored as -1 whatever the MPI value)
// Null handles as handle arguments of a call (MPI_DATATYPE_NULL is type id -1, MPI_OP_NULL op code 0,
// MPI_REQUEST_NULL request id 0). A window id 0 is a handle no wrapped call made.
constexpr int64_t kCommNull = 0;       // kF_comm: MPI_COMM_NULL (communicator ids are never 0)
constexpr int64_t kWinNull = -1;       // kF_win: MPI_WIN_NULL
constexpr int64_t kGroupNull = -1;     // kF_group_id of a group argument: MPI_GROUP_NULL
constexpr int64_t kDatatypeNull = -1;  // MPI_DATATYPE_NULL

enum WindowFlavor : int { kWinCreate = 1, kWinAllocate = 2, kWinShared = 3, kWinDynamic = 4 };
enum LockType : int { kLockExclusive = 1, kLockShared = 2 };
// MPI_MODE_* assertion bits as stored in the log (translated from the MPI library's values).
enum AssertBits : int { kModeNoCheck = 1, kModeNoStore = 2, kModeNoPut = 4, kModeNoPrecede = 8, kModeNoSucceed = 16 };

// Predefined reduction ops, by code. User ops get ids from kUserOpBase up.
// clang-format off
#define RMACHECK_OPS(X) \
  X(MPI_OP_NULL) X(MPI_MAX) X(MPI_MIN) X(MPI_SUM) X(MPI_PROD) X(MPI_LAND) X(MPI_BAND) X(MPI_LOR) X(MPI_BOR) \
  X(MPI_LXOR) X(MPI_BXOR) X(MPI_MAXLOC) X(MPI_MINLOC) X(MPI_REPLACE) X(MPI_NO_OP)
// clang-format on
enum OpCode : int {
#define RMACHECK_OP_ENUM(name) kOp_##name,
  RMACHECK_OPS(RMACHECK_OP_ENUM)
#undef RMACHECK_OP_ENUM
      kOpCount
};
constexpr int64_t kUserOpBase = 1000;
// Datatype ids: predefined types use their basic code (basic_types.def); derived types count up from here.
constexpr int64_t kDerivedTypeBase = 1000;

// ---- varint coding (LEB128 of the zigzag value) ----
inline uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

inline uint8_t* put_varint(uint8_t* p, int64_t value) {
  uint64_t v = zigzag(value);
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
constexpr size_t kMaxVarint = 10;

// What the deltas of a thread's CALL and CALL_OUT records are taken from; writer and reader keep one
// per thread, starting at zero.
struct ThreadDeltas {
  int64_t seq = 0, time = 0;
  int64_t last[128] = {};  // by field key
};

// Returns false on a varint running past end or longer than 10 bytes.
inline bool get_varint(const uint8_t*& p, const uint8_t* end, int64_t& out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70 && p < end; shift += 7) {
    uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      out = unzigzag(v);
      return true;
    }
  }
  return false;
}

// Cheap 32-bit checksum of a payload: catches torn or overwritten records,
// not adversaries. Word-at-a-time so it costs a few ns per record. The first
// 8-byte word is and-ed with first_mask (kCallChecksumMask: a CALL record's
// exit word, stored after the checksum, is not covered).
inline uint32_t payload_checksum(const uint8_t* p, size_t n, uint64_t first_mask = ~uint64_t{0}) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (i == 0) w &= first_mask;
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  // The last n - i (< 8) bytes as a little-endian word: from the payload's last 8 bytes when there are
  // 8 (no variable-length copy, which is a library call on the hot path), else byte by byte.
  uint64_t tail = 0;
  if (n >= 8 && n > i) {
    std::memcpy(&tail, p + n - 8, 8);
    tail >>= 8 * (8 - (n - i));
  } else {
    for (size_t k = n; k-- > i;) tail = (tail << 8) | p[k];
  }
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  return static_cast<uint32_t>(h ^ (h >> 32));
}
// The checksum a whole record's payload carries (what readers verify): a CALL record's exit word, stored
// after the checksum, is read as zero. The writer checksums before that store, when the word is zero.
inline uint32_t record_checksum(const uint8_t* payload, size_t n) {
  const bool call = n >= kCallHead && is_call_record(payload[0]);
  return payload_checksum(payload, n, call ? kCallChecksumMask : ~uint64_t{0});
}

}  // namespace rmacheck
