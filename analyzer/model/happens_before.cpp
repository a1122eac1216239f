#include "model/happens_before.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "call_traits.h"
#include "model/request_activations.h"
#include "model/thread_order.h"

namespace rmacheck {

namespace {

// One side of a collective call: where it starts and where it takes effect.
struct CollCall {
  CallId call;  // the collective (for a started persistent collective: its init call)
  int64_t root;
  Node entry;
  std::optional<Node> done;  // exit of the call, or of the Wait/Test completing a nonblocking or started one
};

struct LockEpoch {
  Node lock_exit, unlock_exit;
  // t_exit of the unlock call: the order the run observed. Not the lock's
  // t_exit: a lazy lock (Open MPI's osc pt2pt, MPICH's ch3) returns before
  // it is acquired and takes the lock inside MPI_Win_unlock, so two
  // exclusive epochs' lock calls can return in either order. Whichever
  // epoch held the lock first released it before the other acquired it,
  // hence finished its unlock first (unless its unlock's return was delayed
  // past the other's whole epoch).
  int64_t released;
  bool exclusive;
};

using MsgKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;  // comm, source, dest, tag

// A receive posted on its rank (that of the receives list it is in), and matched by source and tag. 32
// bytes: a loop of persistent receives has millions, held until the edges are made.
struct Receive {
  uint32_t posted;     // event that posted it (matching order)
  uint32_t done;       // event whose exit completed it
  uint32_t described;  // the event with its buffer, count and type (the Irecv/Recv_init of a request)
  int32_t src;         // world rank
  int64_t comm, tag;
};
static_assert(sizeof(Receive) == 32, "one per message");

// A sent message: the event whose entry sent it (on the sender of its MsgKey), and the event with its
// buffer, count and type.
struct Sent {
  uint32_t event;
  uint32_t described;
};

// PSCW calls of one rank on one window: posts/waits as a target, starts/completes as an origin.
struct Pscw {
  std::vector<std::pair<uint32_t, std::vector<int64_t>>> posts, starts;
  std::vector<uint32_t> waits, completes;
};

}  // namespace

// What the walk over every rank gathers, for the edges of each kind.
struct HappensBefore::Gathered {
  std::map<int64_t, std::map<int, std::vector<uint32_t>>> fences;       // window -> rank -> fence events
  std::map<int64_t, std::map<int, std::vector<CollCall>>> collectives;  // comm -> rank -> calls, in call order
  std::map<MsgKey, std::vector<Sent>> sends;                            // per sender, in issue order
  std::map<int, std::vector<Receive>> receives;                         // per receiver
  std::map<int64_t, std::map<int, Pscw>> pscw;                          // window -> rank -> its PSCW calls
  std::map<std::pair<int64_t, int64_t>, std::vector<LockEpoch>> locks;  // (window, target) -> epochs
};

HappensBefore::HappensBefore(const Model& model, const RequestTracker& requests) : model_(model), n_(model.world_size) {
  make_lanes();
  collect_edges(requests);
  compute();
}

// One lane per rank, or per thread of a rank whose log says how its threads synchronize.
void HappensBefore::make_lanes() {
  rank_lanes_.assign(static_cast<size_t>(std::max(n_, 0)), {});
  std::vector<const RankLog*> by_rank(rank_lanes_.size(), nullptr);
  for (const RankLog& log : model_.logs)
    if (log.rank >= 0 && log.rank < n_) by_rank[static_cast<size_t>(log.rank)] = &log;
  for (size_t r = 0; r < rank_lanes_.size(); ++r) {
    RankLanes& rl = rank_lanes_[r];
    rl.first = static_cast<uint32_t>(lane_rank_.size());
    const RankLog* log = by_rank[r];
    std::vector<int64_t> threads = log ? rank_threads(*log) : std::vector<int64_t>{};
    if (threads.size() > 1 && !has_thread_sync(*log)) {
      warnings_.push_back("rank " + std::to_string(r) + ": " + std::to_string(threads.size()) +
                          " threads made MPI calls, but no thread synchronization was logged; their calls are taken "
                          "in the order they were logged, as one thread's");
      threads.resize(1);
    }
    if (threads.size() <= 1 || threads.size() > UINT16_MAX) {
      lane_rank_.push_back(static_cast<int>(r));
      lane_events_.emplace_back();
      continue;
    }
    std::map<int64_t, uint16_t> lane;
    for (size_t t = 0; t < threads.size(); ++t) lane[threads[t]] = static_cast<uint16_t>(t);
    for (size_t t = 0; t < threads.size(); ++t) lane_rank_.push_back(static_cast<int>(r)), lane_events_.emplace_back();
    rl.of_event.resize(log->events.size());
    for (uint32_t i = 0; i < log->events.size(); ++i) {
      rl.of_event[i] = lane[log->thread(log->events[i])];
      lane_events_[rl.first + rl.of_event[i]].push_back(i);
    }
  }
}

void HappensBefore::add_sync(std::vector<Node> sources, std::vector<Node> dests) {
  if (sources.empty() || dests.empty()) return;
  if (sources.size() > UINT32_MAX || dests.size() > UINT32_MAX) throw std::length_error("a sync of 2^32 nodes");
  syncs_.push_back({sync_nodes_.size(), static_cast<uint32_t>(sources.size()), static_cast<uint32_t>(dests.size())});
  sync_nodes_.insert(sync_nodes_.end(), sources.begin(), sources.end());
  sync_nodes_.insert(sync_nodes_.end(), dests.begin(), dests.end());
}

void HappensBefore::add_sync(Node source, Node dest) {
  syncs_.push_back({sync_nodes_.size(), 1, 1});
  sync_nodes_.push_back(source);
  sync_nodes_.push_back(dest);
}

void HappensBefore::collect_edges(const RequestTracker& requests) {
  Gathered g;
  for (const RankLog& log : model_.logs) gather(log, requests.rank(log.rank), g);
  fence_edges(g);
  collective_edges(g);
  message_edges(g);
  pscw_edges(g);
  lock_edges(g);
  for (const RankLog& log : model_.logs)
    if (log.rank >= 0 && log.rank < n_ && !rank_lanes_[static_cast<size_t>(log.rank)].of_event.empty())
      for (ThreadEdge& e : thread_order_edges(log)) add_sync(std::move(e.sources), std::move(e.dests));
}

void HappensBefore::gather(const RankLog& log, const RankRequests* requests, Gathered& g) {
  const int r = log.rank;
  // By start, and the activations of one start in the order its call lists their ids. A loop's persistent
  // requests have millions: no container per start (a map of vectors took ~100 bytes each).
  std::vector<Activation> acts = request_activations(log, requests);
  for (size_t b = 0, e = 0; b < acts.size(); b = e) {
    for (e = b + 1; e < acts.size() && acts[e].started == acts[b].started;) ++e;
    if (e - b < 2) continue;
    const std::vector<int64_t> ids = request_ids(log.view(log.events[acts[b].started]));
    auto pos = [&](const Activation& a) { return std::find(ids.begin(), ids.end(), a.request) - ids.begin(); };
    std::stable_sort(acts.begin() + static_cast<ptrdiff_t>(b), acts.begin() + static_cast<ptrdiff_t>(e),
                     [&](const Activation& x, const Activation& y) { return pos(x) < pos(y); });
  }
  // The activations event i started, for i rising call by call.
  size_t first_act = 0;
  auto started_at = [&](uint32_t i) {
    while (first_act < acts.size() && acts[first_act].started < i) ++first_act;
    size_t end = first_act;
    while (end < acts.size() && acts[end].started == i) ++end;
    return std::make_pair(acts.data() + first_act, acts.data() + end);
  };
  OpenLocks open;
  for (uint32_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    const CallTraits& traits = call_traits(e.call);
    EventView v = log.view(e);
    if (traits.family == CallFamily::kSync) gather_sync(log, i, open, g);
    // Collectives, in call order per communicator (MPI requires the same order on every member).
    const bool ordering = traits.collective == Collective::kComm && traits.shape != CollectiveShape::kNoOrder;
    if (ordering && traits.completion != Completion::kPersistent) {
      CollCall c{e.call, v.get_or(kF_root, -1), entry_node(r, i), std::nullopt};
      if (traits.completion == Completion::kRequest) {
        const auto [a, a_end] = started_at(i);
        if (a != a_end && a->completed) c.done = exit_node(r, *a->completed);
      } else if (e.returned) {
        c.done = exit_node(r, i);
      }
      g.collectives[v.get_or(kF_comm, 0)][r].push_back(c);
    }
    // A started persistent collective orders like its nonblocking twin, at the completion of that start.
    if (traits.role == CallRole::kStartRequests) {
      const auto [a_begin, a_end] = started_at(i);
      for (const Activation* act = a_begin; act != a_end; ++act) {
        const Event& made = log.events[act->created];
        const CallTraits& mt = call_traits(made.call);
        if (mt.collective != Collective::kComm || mt.shape == CollectiveShape::kNoOrder) continue;
        EventView mv = log.view(made);
        CollCall c{made.call, mv.get_or(kF_root, -1), entry_node(r, i), std::nullopt};
        if (act->completed) c.done = exit_node(r, *act->completed);
        g.collectives[mv.get_or(kF_comm, 0)][r].push_back(c);
      }
    }
    // Blocking point-to-point: sends in issue order, receives in posting order.
    if (traits.family != CallFamily::kP2p || traits.completion != Completion::kBlocking) continue;
    const int64_t comm = v.get_or(kF_comm, 0);
    if (traits.sends()) {
      const int64_t peer = v.get_or(kF_peer, kRankProcNull);
      if (peer >= 0) g.sends[{comm, r, peer, v.get_or(kF_tag, 0)}].push_back({i, i});
    }
    // A receive, or a matched probe (which takes the message out of matching); Improbe only with flag = true.
    if ((traits.receives() || traits.role == CallRole::kMatchedProbe) && e.returned && v.get_or(kF_flag, 1)) {
      const int64_t src = v.get_or(kF_status_src, kRankProcNull);
      if (src >= 0 && src <= INT32_MAX)
        g.receives[r].push_back({i, i, i, static_cast<int32_t>(src), comm, v.get_or(kF_status_tag, kTagAny)});
    }
  }
  // Nonblocking and persistent point-to-point: one message per activation.
  for (const Activation& a : acts) {
    const Event& created = log.events[a.created];
    const CallTraits& ct = call_traits(created.call);
    if (ct.family != CallFamily::kP2p) continue;
    EventView cv = log.view(created);
    const int64_t comm = cv.get_or(kF_comm, 0);
    if (ct.sends()) {
      const int64_t peer = cv.get_or(kF_peer, kRankProcNull);
      if (peer >= 0) g.sends[{comm, r, peer, cv.get_or(kF_tag, 0)}].push_back({a.started, a.created});
    } else if (ct.receives() && a.completed && a.status_src >= 0) {
      g.receives[r].push_back({a.started, *a.completed, a.created, a.status_src, comm, a.status_tag});
    }
  }
}

// Fences, PSCW calls and lock epochs of one rank.
void HappensBefore::gather_sync(const RankLog& log, uint32_t i, OpenLocks& open, Gathered& g) {
  const int r = log.rank;
  const Event& e = log.events[i];
  EventView v = log.view(e);
  const int64_t win = v.get_or(kF_win, 0);
  auto group = [&] {
    // One Values for both ends: a scalar's begin() points into the Values itself (a hostile log may log
    // kF_group as one), so ends taken from two temporaries span the stack (found by the fuzzer).
    const Values members = v.array(kF_group);
    return std::vector<int64_t>(members.begin(), members.end());
  };
  switch (call_traits(e.call).role) {
    case CallRole::kFence:
      g.fences[win][r].push_back(i);
      break;
    case CallRole::kPost:
      g.pscw[win][r].posts.push_back({i, group()});
      break;
    case CallRole::kStart:
      g.pscw[win][r].starts.push_back({i, group()});
      break;
    case CallRole::kComplete:
      g.pscw[win][r].completes.push_back(i);
      break;
    case CallRole::kWait:
      g.pscw[win][r].waits.push_back(i);
      break;
    case CallRole::kTest:
      if (v.get_or(kF_flag, 0)) g.pscw[win][r].waits.push_back(i);
      break;
    case CallRole::kLock:
      open.locks[{win, v.get_or(kF_target, -1)}] = {i, v.get_or(kF_lock_type, 0) == kLockExclusive};
      break;
    case CallRole::kLockAll:
      open.lock_all[win] = i;
      break;
    case CallRole::kUnlock: {
      auto it = open.locks.find({win, v.get_or(kF_target, -1)});
      if (it == open.locks.end() || !e.returned || !log.events[it->second.first].returned) break;
      g.locks[it->first].push_back({exit_node(r, it->second.first), exit_node(r, i), e.t_exit, it->second.second});
      open.locks.erase(it);
      break;
    }
    case CallRole::kUnlockAll: {
      auto it = open.lock_all.find(win);
      if (it == open.lock_all.end() || !e.returned) break;
      auto w = model_.windows.find(win);
      if (w != model_.windows.end())
        for (int t : w->second.members)
          g.locks[{win, t}].push_back({exit_node(r, it->second), exit_node(r, i), e.t_exit, false});
      open.lock_all.erase(it);
      break;
    }
    default:
      break;
  }
}

// Fences: the k-th fence of every member is one synchronization.
void HappensBefore::fence_edges(const Gathered& g) {
  for (auto& [win, by_rank] : g.fences) {
    size_t most = 0;
    for (auto& [r, evs] : by_rank) most = std::max(most, evs.size());
    for (size_t k = 0; k < most; ++k) {
      std::vector<Node> src, dst;
      for (auto& [r, evs] : by_rank)
        if (k < evs.size()) src.push_back(entry_node(r, evs[k])), dst.push_back(exit_node(r, evs[k]));
      add_sync(src, dst);
    }
  }
}

// Collectives: the k-th collective call of every member, with its direction.
void HappensBefore::collective_edges(const Gathered& g) {
  for (auto& [comm, by_rank] : g.collectives) {
    auto cm = model_.comms.find(comm);
    if (cm == model_.comms.end()) continue;
    const std::vector<int>& members = cm->second.members;
    size_t most = 0;
    for (auto& [r, calls] : by_rank) most = std::max(most, calls.size());
    for (size_t k = 0; k < most; ++k) {
      std::vector<std::pair<int, const CollCall*>> part;  // in communicator rank order
      for (int m : members) {
        auto it = by_rank.find(m);
        if (it != by_rank.end() && k < it->second.size()) part.push_back({m, &it->second[k]});
      }
      if (part.empty()) continue;
      const CollectiveShape shape = call_traits(part.front().second->call).shape;
      const int64_t root = part.front().second->root;
      std::vector<Node> src, dst;
      for (size_t p = 0; p < part.size(); ++p) {
        const auto& [m, c] = part[p];
        const bool is_root = m == root;
        if (shape == CollectiveShape::kPrefix) {
          std::vector<Node> before;
          for (size_t q = 0; q < p; ++q) before.push_back(part[q].second->entry);
          if (c->done) add_sync(before, {*c->done});
          continue;
        }
        const bool all = shape == CollectiveShape::kAllToAll;
        if (all || (shape == CollectiveShape::kRootToAll && is_root) ||
            (shape == CollectiveShape::kAllToRoot && !is_root))
          src.push_back(c->entry);
        if (c->done && (all || (shape == CollectiveShape::kRootToAll && !is_root) ||
                        (shape == CollectiveShape::kAllToRoot && is_root)))
          dst.push_back(*c->done);
      }
      add_sync(src, dst);
    }
  }
}

// Messages: the k-th receive whose status names (source, tag) on a
// communicator matches the k-th such send (MPI's non-overtaking rule).
void HappensBefore::message_edges(Gathered& g) {
  // One sender's sends in issue order, blocking and nonblocking mixed (they were gathered apart).
  for (auto& [key, nodes] : g.sends)
    std::sort(nodes.begin(), nodes.end(), [](const Sent& a, const Sent& b) { return a.event < b.event; });
  for (auto& [d, recvs] : g.receives) {
    std::sort(recvs.begin(), recvs.end(), [](const Receive& a, const Receive& b) { return a.posted < b.posted; });
    std::map<MsgKey, size_t> next;
    for (const Receive& rc : recvs) {
      MsgKey key{rc.comm, rc.src, d, rc.tag};
      auto s = g.sends.find(key);
      size_t& k = next[key];
      if (s == g.sends.end() || k >= s->second.size()) {
        warnings_.push_back("a receive on rank " + std::to_string(d) + " has no matching send in the logs");
        continue;
      }
      const Sent& sent = s->second[k++];
      const int from = static_cast<int>(std::get<1>(key));
      add_sync(entry_node(from, sent.event), exit_node(d, rc.done));
      messages_.push_back({{from, sent.described}, {d, rc.described}});
    }
  }
}

// PSCW: a target's post opens the origins' matching start; an origin's
// complete lets the target's matching wait return.
void HappensBefore::pscw_edges(const Gathered& g) {
  for (auto& [win, by_rank] : g.pscw) {
    std::map<std::pair<int, int>, size_t> post_k;
    for (auto& [t, tp] : by_rank) {
      for (const auto& [post_ev, origins] : tp.posts) {
        for (int64_t o : origins) {
          auto ob = by_rank.find(static_cast<int>(o));
          if (ob == by_rank.end()) continue;
          // The k-th post of t naming o matches the k-th start of o naming t.
          const size_t k = post_k[{t, static_cast<int>(o)}]++;
          size_t seen = 0;
          for (const auto& [start_ev, targets] : ob->second.starts) {
            if (std::find(targets.begin(), targets.end(), t) == targets.end()) continue;
            if (seen++ != k) continue;
            add_sync({entry_node(t, post_ev)}, {exit_node(static_cast<int>(o), start_ev)});
            // The origin's next complete after this start, the target's next wait after this post.
            auto c = std::upper_bound(ob->second.completes.begin(), ob->second.completes.end(), start_ev);
            auto w = std::upper_bound(tp.waits.begin(), tp.waits.end(), post_ev);
            if (c != ob->second.completes.end() && w != tp.waits.end())
              add_sync({entry_node(static_cast<int>(o), *c)}, {exit_node(t, *w)});
            break;
          }
        }
      }
    }
  }
}

// Lock epochs on one target: an exclusive epoch excludes every other, so
// the order the run acquired them in is a happens-before order.
void HappensBefore::lock_edges(Gathered& g) {
  for (auto& [key, epochs] : g.locks) {
    std::sort(epochs.begin(), epochs.end(),
              [](const LockEpoch& a, const LockEpoch& b) { return a.released < b.released; });
    std::optional<Node> last_exclusive;
    std::vector<Node> shared_since;
    for (const LockEpoch& ep : epochs) {
      if (ep.exclusive) {
        std::vector<Node> src = shared_since;
        if (last_exclusive) src.push_back(*last_exclusive);
        add_sync(src, {ep.lock_exit});
        last_exclusive = ep.unlock_exit;
        shared_since.clear();
      } else {
        if (last_exclusive) add_sync({*last_exclusive}, {ep.lock_exit});
        shared_since.push_back(ep.unlock_exit);
      }
    }
  }
}

HappensBefore::Clock HappensBefore::clock(Node b) const { return find_clock(b, nullptr); }

HappensBefore::Clock HappensBefore::clock(Node b, std::vector<uint32_t>& hints) const { return find_clock(b, &hints); }

HappensBefore::Clock HappensBefore::find_clock(Node b, std::vector<uint32_t>* hints) const {
  Clock c{b, 0, nullptr};
  if (b.rank < 0 || b.rank >= n_) return c;
  c.lane = lane_of(b);
  const auto& cps = changes_[c.lane];
  // The last change point at or before b: the hint's or the one after it when b moved on a little, else searched.
  auto last_at_or_before = [&](size_t i) {
    return i < cps.size() && cps[i].node <= b.index && (i + 1 == cps.size() || cps[i + 1].node > b.index);
  };
  uint32_t* hint = nullptr;
  if (hints) {
    if (hints->size() <= c.lane) hints->resize(changes_.size(), 0);
    hint = &(*hints)[c.lane];
  }
  size_t at;
  if (hint && last_at_or_before(*hint)) {
    at = *hint;
  } else if (hint && last_at_or_before(size_t{*hint} + 1)) {
    at = size_t{*hint} + 1;
  } else {
    auto it =
        std::upper_bound(cps.begin(), cps.end(), b.index, [](int64_t v, const ChangePoint& cp) { return v < cp.node; });
    if (it == cps.begin()) return c;  // no edge reached b's lane before b
    at = static_cast<size_t>(std::prev(it) - cps.begin());
  }
  if (hint) *hint = static_cast<uint32_t>(at);
  c.row = &clocks_[cps[at].offset];
  return c;
}

bool HappensBefore::ordered(Node a, Node b) const { return ordered(a, clock(b)); }

// What the propagation needs to know before it starts.
struct HappensBefore::Destinations {
  std::vector<int64_t> nodes;                                     // per rank: how many nodes it has
  std::vector<int64_t> walk;                                      // per lane: how many nodes it walks
  std::vector<std::vector<std::pair<int64_t, size_t>>> incoming;  // per lane: (destination node, sync), sorted
  std::vector<uint32_t> dests_left;                               // per sync: destinations not yet reached
};

void HappensBefore::compute() {
  changes_.assign(lane_rank_.size(), {});
  clocks_.clear();
  Destinations d = destinations();
  propagate(d);
  // The clocks are all that is asked from now on: the syncs (48 bytes a message) are given back.
  std::vector<Sync>().swap(syncs_);
  std::vector<Node>().swap(sync_nodes_);
}

// Incoming syncs per destination node, sorted; sources past a log's end never come.
HappensBefore::Destinations HappensBefore::destinations() {
  const size_t n = static_cast<size_t>(n_);
  Destinations d;
  d.nodes.assign(n, 0);
  for (const RankLog& log : model_.logs)
    if (log.rank >= 0 && log.rank < n_)
      d.nodes[static_cast<size_t>(log.rank)] = kNodesPerEvent * static_cast<int64_t>(log.events.size());
  d.walk.assign(lane_rank_.size(), 0);
  for (size_t l = 0; l < lane_rank_.size(); ++l)
    d.walk[l] = lane_events_[l].empty() && rank_lanes_[static_cast<size_t>(lane_rank_[l])].of_event.empty()
                    ? d.nodes[static_cast<size_t>(lane_rank_[l])]
                    : kNodesPerEvent * static_cast<int64_t>(lane_events_[l].size());
  d.incoming.resize(lane_rank_.size());
  d.dests_left.assign(syncs_.size(), 0);
  for (size_t s = 0; s < syncs_.size(); ++s) {
    Sync& sync = syncs_[s];
    Node* src = sync_nodes_.data() + sync.begin;
    Node* kept = std::remove_if(src, src + sync.sources, [&](const Node& x) {
      return x.rank < 0 || x.rank >= n_ || x.index < 0 || x.index >= d.nodes[static_cast<size_t>(x.rank)];
    });
    // The dests move up behind the sources kept.
    Node* const dests = src + sync.sources;
    const Node* dst_end = kept == dests ? dests + sync.dests : std::copy(dests, dests + sync.dests, kept);
    sync.sources = static_cast<uint32_t>(kept - src);
    for (const Node* dst = kept; dst != dst_end; ++dst)
      if (dst->rank >= 0 && dst->rank < n_ && dst->index >= 0 && dst->index < d.nodes[static_cast<size_t>(dst->rank)]) {
        d.incoming[lane_of(*dst)].push_back({dst->index, s});
        ++d.dests_left[s];
      }
  }
  for (auto& in : d.incoming) std::sort(in.begin(), in.end());
  return d;
}

// Walks every lane's nodes in order; a node that receives syncs waits until
// all their sources were walked, then stores the join of their clocks.
void HappensBefore::propagate(Destinations& d) {
  const size_t L = lane_rank_.size();
  const std::vector<int64_t>& walk = d.walk;
  auto& incoming = d.incoming;
  auto& dests_left = d.dests_left;
  std::vector<int64_t> pos(L, 0);   // position in the lane's walk
  std::vector<int64_t> next(L, 0);  // the node at that position (INT64_MAX: walked to the end)
  for (size_t l = 0; l < L; ++l) next[l] = walk[l] > 0 ? node_at(static_cast<uint32_t>(l), 0) : INT64_MAX;
  std::vector<size_t> in_pos(L, 0);
  std::vector<std::vector<int64_t>> cur(L, std::vector<int64_t>(L, -1));
  // The join of a sync's sources, computed once from whole clock rows and
  // dropped when its last destination has taken it; kept only for a sync that
  // has another destination still to come (a message's has none: no entry).
  std::unordered_map<size_t, std::vector<int64_t>> joined;
  std::vector<int64_t> one;  // the join for a sync's last destination
  auto walked = [&](const Node& x) { return next[lane_of(x)] > x.index; };
  auto ready = [&](const Sync& s) {
    for (const Node* x = s.source_begin(sync_nodes_); x != s.source_end(sync_nodes_); ++x)
      if (!walked(*x)) return false;
    return true;
  };
  auto join_of = [&](size_t si) -> const std::vector<int64_t>& {
    auto kept = joined.find(si);
    if (kept != joined.end()) return kept->second;
    std::vector<int64_t>& j = dests_left[si] > 1 ? joined[si] : one;
    j.assign(L, -1);
    const Sync& s = syncs_[si];
    for (const Node* xp = s.source_begin(sync_nodes_); xp != s.source_end(sync_nodes_); ++xp) {
      const Node& x = *xp;
      if (!walked(x)) continue;  // forced past an inconsistent edge
      const Clock c = clock(x);
      if (c.row)
        for (size_t q = 0; q < L; ++q) j[q] = std::max(j[q], c.row[q]);
      j[c.lane] = std::max(j[c.lane], x.index);
    }
    return j;
  };
  bool force = false;
  for (;;) {
    bool progress = false, done = true;
    for (size_t R = 0; R < L; ++R) {
      auto& in = incoming[R];
      const auto lane = static_cast<uint32_t>(R);
      while (pos[R] < walk[R]) {
        const int64_t x = next[R];
        size_t k = in_pos[R];
        bool blocked = false;
        for (; k < in.size() && in[k].first == x; ++k)
          if (!ready(syncs_[in[k].second]) && !force) {
            blocked = true;
            break;
          }
        if (blocked) break;
        if (k > in_pos[R]) {
          for (size_t j = in_pos[R]; j < k; ++j) {
            const size_t si = in[j].second;
            const std::vector<int64_t>& add = join_of(si);
            for (size_t q = 0; q < L; ++q) cur[R][q] = std::max(cur[R][q], add[q]);
            if (--dests_left[si] == 0) joined.erase(si);
          }
          const int r = lane_rank_[R];
          if (force) {
            warnings_.push_back("inconsistent synchronization in the logs near rank " + std::to_string(r) + " event " +
                                std::to_string(event_of(Node{r, x})));
            force = false;
          }
          cur[R][R] = x;
          changes_[R].push_back({x, clocks_.size()});
          clocks_.insert(clocks_.end(), cur[R].begin(), cur[R].end());
          in_pos[R] = k;
        }
        ++pos[R];
        next[R] = pos[R] < walk[R] ? node_at(lane, pos[R]) : INT64_MAX;
        progress = true;
      }
      if (pos[R] < walk[R]) done = false;
    }
    if (done) break;
    if (!progress) force = true;  // a cycle from inconsistent logs: let the first blocked node through
  }
}

}  // namespace rmacheck
