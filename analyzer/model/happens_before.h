// The happens-before order over all ranks' events (rma-semantics.md
// section 3), as vector clocks.
//
// Every event has two nodes: its entry (the call was made) and its exit (it
// returned); see entry_node / exit_node. Cross-rank
// edges run from a source node to a destination node: messages (send entry
// -> receive completion exit), collectives and fences (every participant's
// entry -> every participant's exit, or rooted), PSCW (post -> start,
// complete -> wait), and the observed order of mutually exclusive lock
// epochs (unlock -> next lock). A vector clock is stored only at nodes that
// receive edges; any other node's clock is its lane's last stored one, so
// memory follows the amount of synchronization, not of RMA traffic.
//
// Program order is per thread (rma-semantics.md section 7): a rank whose log
// has thread-synchronization records (interpose/thread_sync.cpp) gets one
// lane per thread, ordered with each other only by those records
// (model/thread_order.cpp) and by MPI synchronization; a rank without them is
// one lane, its calls taken in log order (a note says so when several threads
// made calls). Clock rows have one entry per lane: the last node of that lane
// (a node index of its rank) that happens before.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/request_tracker.h"

namespace rmacheck {

// Nodes of a rank are numbered in program order: event e has entry node
// kNodesPerEvent * e and exit node kNodesPerEvent * e + 1.
constexpr int64_t kNodesPerEvent = 2;
struct Node {
  int rank = -1;
  int64_t index = -1;  // entry or exit node of an event; -1: none
};
inline Node entry_node(int rank, uint32_t event) { return {rank, kNodesPerEvent * int64_t{event}}; }
inline Node exit_node(int rank, uint32_t event) { return {rank, kNodesPerEvent * int64_t{event} + 1}; }
// The event a node belongs to, and which of its two nodes it is.
inline uint32_t event_of(Node n) { return static_cast<uint32_t>(n.index / kNodesPerEvent); }
inline bool is_exit(Node n) { return n.index % kNodesPerEvent == 1; }

class HappensBefore {
 public:
  HappensBefore(const Model& model, const RequestTracker& requests);
  // a happens before (or is) b.
  bool ordered(Node a, Node b) const;

  // b's vector clock, looked up once when b is compared with many nodes.
  struct Clock {
    Node node;
    uint32_t lane = 0;
    const int64_t* row = nullptr;  // null: no edge reached b's lane before b
  };
  Clock clock(Node b) const;
  // The same, for a caller that asks for nodes of each lane mostly in increasing order (the race
  // detector, in issue order): the change point found last in b's lane is tried first and the one after
  // it, before a binary search. `hints` holds one position per lane (grown here).
  Clock clock(Node b, std::vector<uint32_t>& hints) const;
  bool ordered(Node a, const Clock& b) const {
    if (a.index < 0 || b.node.index < 0 || a.rank < 0 || a.rank >= n_) return false;
    const uint32_t la = lane_of(a);
    if (la == b.lane) return a.index <= b.node.index;
    return b.row && b.row[la] >= a.index;
  }
  // The program order a node is in: one per thread of a rank with thread
  // synchronization records, else one per rank. Lanes of rank r are
  // first_lane(r) .. first_lane(r) + threads - 1.
  uint32_t lane_of(Node n) const {
    const RankLanes& rl = rank_lanes_[static_cast<size_t>(n.rank)];
    if (rl.of_event.empty()) return rl.first;
    const auto e = static_cast<size_t>(n.index / kNodesPerEvent);
    return rl.first + (e < rl.of_event.size() ? rl.of_event[e] : 0);
  }
  size_t lane_count() const { return lane_rank_.size(); }
  // The messages matched offline, in no particular order: the event that
  // describes each sent message (the send, or the Isend/Send_init that made
  // its request) and the one that describes its receive.
  struct MatchedMessage {
    EventRef send, recv;
  };
  const std::vector<MatchedMessage>& messages() const { return messages_; }
  // Edges that could not be satisfied (inconsistent logs), for the report's notes.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Builder interface, public for unit tests: every destination node sees every source node. compute()
  // turns the syncs added into clocks, once: it gives them back.
  void add_sync(std::vector<Node> sources, std::vector<Node> dests);
  void add_sync(Node source, Node dest);  // one to one (a message), without two vectors
  void compute();

 private:
  // Its nodes are in sync_nodes_: sources from `begin`, then dests. One Start/Wait pair makes one:
  // two vectors of their own cost ~110 bytes more, with malloc's headers.
  struct Sync {
    uint64_t begin;
    uint32_t sources, dests;
    const Node* source_begin(const std::vector<Node>& pool) const { return pool.data() + begin; }
    const Node* source_end(const std::vector<Node>& pool) const { return pool.data() + begin + sources; }
    const Node* dest_begin(const std::vector<Node>& pool) const { return source_end(pool); }
    const Node* dest_end(const std::vector<Node>& pool) const { return dest_begin(pool) + dests; }
  };
  struct ChangePoint {
    int64_t node;
    size_t offset;  // into clocks_: lane_count() entries
  };
  struct Gathered;  // the raw material of the edges, from every rank's events
  struct OpenLocks {
    std::map<std::pair<int64_t, int64_t>, std::pair<uint32_t, bool>> locks;  // (win, target) -> lock event, exclusive
    std::map<int64_t, uint32_t> lock_all;                                    // win -> lock_all event
  };
  void collect_edges(const RequestTracker& requests);
  void gather(const RankLog& log, const RankRequests* requests, Gathered& g);
  void gather_sync(const RankLog& log, uint32_t index, OpenLocks& open, Gathered& g);
  void fence_edges(const Gathered& g);
  void collective_edges(const Gathered& g);
  void message_edges(Gathered& g);
  void pscw_edges(const Gathered& g);
  void lock_edges(Gathered& g);
  struct Destinations;
  Destinations destinations();
  void propagate(Destinations& d);
  void make_lanes();
  // The node at position p of a lane's walk.
  int64_t node_at(uint32_t lane, int64_t p) const {
    const std::vector<uint32_t>& evs = lane_events_[lane];
    if (evs.empty()) return p;
    return kNodesPerEvent * int64_t{evs[static_cast<size_t>(p / kNodesPerEvent)]} + p % kNodesPerEvent;
  }

  struct RankLanes {
    uint32_t first = 0;
    std::vector<uint16_t> of_event;  // per event: its thread's lane, from first; empty: the rank is one lane
  };
  const Model& model_;
  int n_ = 0;
  std::vector<RankLanes> rank_lanes_;               // per world rank
  std::vector<int> lane_rank_;                      // per lane: its rank
  std::vector<std::vector<uint32_t>> lane_events_;  // per lane of a threaded rank: its events; empty: all the rank's
  std::vector<Sync> syncs_;
  std::vector<Node> sync_nodes_;
  // clock(b), using and updating hints[lane of b] when hints is given.
  Clock find_clock(Node b, std::vector<uint32_t>* hints) const;
  std::vector<std::vector<ChangePoint>> changes_;  // per lane
  std::vector<int64_t> clocks_;
  std::vector<std::string> warnings_;
  std::vector<MatchedMessage> messages_;
};

}  // namespace rmacheck
