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
// receive edges; any other node's clock is its rank's last stored one, so
// memory follows the amount of synchronization, not of RMA traffic.
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
    const int64_t* row = nullptr;  // null: no edge reached b's rank before b
    int ranks = 0;                 // row length
  };
  Clock clock(Node b) const;
  bool ordered(Node a, const Clock& b) const {
    if (a.index < 0 || b.node.index < 0) return false;
    if (a.rank == b.node.rank) return a.index <= b.node.index;
    return b.row && a.rank >= 0 && a.rank < b.ranks && b.row[a.rank] >= a.index;
  }
  // The messages matched offline, in no particular order: the event that
  // describes each sent message (the send, or the Isend/Send_init that made
  // its request) and the one that describes its receive.
  struct MatchedMessage {
    EventRef send, recv;
  };
  const std::vector<MatchedMessage>& messages() const { return messages_; }
  // Edges that could not be satisfied (inconsistent logs), for the report's notes.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Builder interface, public for unit tests: every destination node sees every source node.
  void add_sync(std::vector<Node> sources, std::vector<Node> dests);
  void compute();

 private:
  struct Sync {
    std::vector<Node> sources, dests;
  };
  struct ChangePoint {
    int64_t node;
    size_t offset;  // into clocks_: world_size entries
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

  const Model& model_;
  int n_ = 0;
  std::vector<Sync> syncs_;
  std::vector<std::vector<ChangePoint>> changes_;  // per world rank
  std::vector<int64_t> clocks_;
  std::vector<std::string> warnings_;
  std::vector<MatchedMessage> messages_;
};

}  // namespace rmacheck
