#include "model/happens_before.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "model/request_activations.h"

namespace rmacheck {

namespace {

enum class CollShape { kNone, kAll, kFromRoot, kToRoot, kPrefix };

CollShape collective_shape(CallId c) {
  switch (c) {
    case kCall_Barrier:
    case kCall_Allreduce:
    case kCall_Allgather:
    case kCall_Allgatherv:
    case kCall_Alltoall:
    case kCall_Alltoallv:
    case kCall_Alltoallw:
    case kCall_Reduce_scatter:
    case kCall_Reduce_scatter_block:
    case kCall_Ibarrier:
    case kCall_Iallreduce:
    case kCall_Iallgather:
    case kCall_Ialltoall:
    case kCall_Ireduce_scatter_block:
      return CollShape::kAll;
    case kCall_Bcast:
    case kCall_Scatter:
    case kCall_Scatterv:
    case kCall_Ibcast:
    case kCall_Iscatter:
      return CollShape::kFromRoot;
    case kCall_Reduce:
    case kCall_Gather:
    case kCall_Gatherv:
    case kCall_Ireduce:
    case kCall_Igather:
      return CollShape::kToRoot;
    case kCall_Scan:
    case kCall_Exscan:
    case kCall_Iscan:
      return CollShape::kPrefix;
    default:
      return CollShape::kNone;
  }
}

bool is_blocking_send(CallId c) { return c == kCall_Send || c == kCall_Ssend || c == kCall_Bsend || c == kCall_Rsend; }
bool is_send_init(CallId c) {
  return c == kCall_Send_init || c == kCall_Bsend_init || c == kCall_Ssend_init || c == kCall_Rsend_init;
}
bool is_nonblocking_send(CallId c) {
  return c == kCall_Isend || c == kCall_Issend || c == kCall_Ibsend || c == kCall_Irsend;
}

// One side of a collective call: where it starts and where it takes effect.
struct CollCall {
  CallId call;
  int64_t root;
  Node entry;
  std::optional<Node> done;  // exit of the call, or of the Wait completing a nonblocking collective
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

struct Message {
  Node send;
};
using MsgKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;  // comm, source, dest, tag

struct Receive {
  uint32_t posted;  // event that posted it (matching order)
  int64_t comm, src, tag;
  Node done;
};

}  // namespace

HappensBefore::HappensBefore(const Model& model, const RequestTracker& requests) : model_(model), n_(model.world_size) {
  collect_edges(requests);
  compute();
}

void HappensBefore::add_sync(std::vector<Node> sources, std::vector<Node> dests) {
  if (sources.empty() || dests.empty()) return;
  syncs_.push_back({std::move(sources), std::move(dests)});
}

void HappensBefore::collect_edges(const RequestTracker& requests) {
  std::map<int64_t, std::map<int, std::vector<uint32_t>>> fences;       // window -> rank -> fence events
  std::map<int64_t, std::map<int, std::vector<CollCall>>> collectives;  // comm -> rank -> calls
  std::map<MsgKey, std::vector<Node>> sends;                            // in issue order per sender
  std::map<int, std::vector<Receive>> receives;                         // per receiver
  // PSCW, per window: posts/waits by target, starts/completes by origin.
  struct Pscw {
    std::vector<std::pair<uint32_t, std::vector<int64_t>>> posts, starts;
    std::vector<uint32_t> waits, completes;
  };
  std::map<int64_t, std::map<int, Pscw>> pscw;
  std::map<std::pair<int64_t, int64_t>, std::vector<LockEpoch>> locks;  // (window, target) -> epochs

  for (const RankLog& log : model_.logs) {
    const int r = log.rank;
    const std::vector<Activation> acts = request_activations(log, requests.rank(r));
    std::map<uint32_t, const Activation*> act_by_start;
    for (const Activation& a : acts) act_by_start[a.started] = &a;
    std::map<std::pair<int64_t, int64_t>, std::pair<uint32_t, bool>>
        open_locks;  // (win, target) -> lock event, exclusive
    std::map<int64_t, uint32_t> open_lock_all;

    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const Event& e = log.events[i];
      EventView v = log.view(e);
      const int64_t win = v.get_or(kF_win, 0);
      switch (e.call) {
        case kCall_Win_fence:
          fences[win][r].push_back(i);
          break;
        case kCall_Win_post:
          pscw[win][r].posts.push_back({i, std::vector<int64_t>(v.array(kF_group).begin(), v.array(kF_group).end())});
          break;
        case kCall_Win_start:
          pscw[win][r].starts.push_back({i, std::vector<int64_t>(v.array(kF_group).begin(), v.array(kF_group).end())});
          break;
        case kCall_Win_complete:
          pscw[win][r].completes.push_back(i);
          break;
        case kCall_Win_wait:
          pscw[win][r].waits.push_back(i);
          break;
        case kCall_Win_test:
          if (v.get_or(kF_flag, 0)) pscw[win][r].waits.push_back(i);
          break;
        case kCall_Win_lock:
          open_locks[{win, v.get_or(kF_target, -1)}] = {i, v.get_or(kF_lock_type, 0) == kLockExclusive};
          break;
        case kCall_Win_lock_all:
          open_lock_all[win] = i;
          break;
        case kCall_Win_unlock: {
          auto it = open_locks.find({win, v.get_or(kF_target, -1)});
          if (it == open_locks.end() || !e.returned || !log.events[it->second.first].returned) break;
          locks[it->first].push_back({exit_node(r, it->second.first), exit_node(r, i), e.t_exit, it->second.second});
          open_locks.erase(it);
          break;
        }
        case kCall_Win_unlock_all: {
          auto it = open_lock_all.find(win);
          if (it == open_lock_all.end() || !e.returned) break;
          auto w = model_.windows.find(win);
          if (w != model_.windows.end())
            for (int t : w->second.members)
              locks[{win, t}].push_back({exit_node(r, it->second), exit_node(r, i), e.t_exit, false});
          open_lock_all.erase(it);
          break;
        }
        default:
          break;
      }
      // Collectives, in call order per communicator (MPI requires the same order on every member).
      const CollShape shape = collective_shape(e.call);
      if (shape != CollShape::kNone) {
        CollCall c{e.call, v.get_or(kF_root, -1), entry_node(r, i), std::nullopt};
        if (v.has(kF_new_req)) {
          auto a = act_by_start.find(i);
          if (a != act_by_start.end() && a->second->completed) c.done = exit_node(r, *a->second->completed);
        } else if (e.returned) {
          c.done = exit_node(r, i);
        }
        collectives[v.get_or(kF_comm, 0)][r].push_back(c);
      }
      // Point-to-point: sends in issue order, receives in posting order.
      const int64_t comm = v.get_or(kF_comm, 0);
      if (is_blocking_send(e.call) || e.call == kCall_Sendrecv || e.call == kCall_Sendrecv_replace) {
        const int64_t peer = v.get_or(kF_peer, kRankProcNull);
        if (peer >= 0) sends[{comm, r, peer, v.get_or(kF_tag, 0)}].push_back(entry_node(r, i));
      }
      if ((e.call == kCall_Recv || e.call == kCall_Sendrecv || e.call == kCall_Sendrecv_replace ||
           e.call == kCall_Mprobe || (e.call == kCall_Improbe && v.get_or(kF_flag, 0))) &&
          e.returned) {
        const int64_t src = v.get_or(kF_status_src, kRankProcNull);
        if (src >= 0) receives[r].push_back({i, comm, src, v.get_or(kF_status_tag, kTagAny), exit_node(r, i)});
      }
    }
    // Nonblocking and persistent point-to-point: one message per activation.
    for (const Activation& a : acts) {
      const Event& created = log.events[a.created];
      EventView cv = log.view(created);
      const int64_t comm = cv.get_or(kF_comm, 0);
      if (is_nonblocking_send(created.call) || is_send_init(created.call)) {
        const int64_t peer = cv.get_or(kF_peer, kRankProcNull);
        if (peer >= 0) sends[{comm, r, peer, cv.get_or(kF_tag, 0)}].push_back(entry_node(r, a.started));
      } else if ((created.call == kCall_Irecv || created.call == kCall_Recv_init) && a.completed && a.status_src >= 0) {
        receives[r].push_back({a.started, comm, a.status_src, a.status_tag, exit_node(r, *a.completed)});
      }
    }
  }

  // Fences: the k-th fence of every member is one synchronization.
  for (auto& [win, by_rank] : fences) {
    size_t most = 0;
    for (auto& [r, evs] : by_rank) most = std::max(most, evs.size());
    for (size_t k = 0; k < most; ++k) {
      std::vector<Node> src, dst;
      for (auto& [r, evs] : by_rank)
        if (k < evs.size()) src.push_back(entry_node(r, evs[k])), dst.push_back(exit_node(r, evs[k]));
      add_sync(src, dst);
    }
  }
  // Collectives: the k-th collective call of every member, with its direction.
  for (auto& [comm, by_rank] : collectives) {
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
      const CollShape shape = collective_shape(part.front().second->call);
      const int64_t root = part.front().second->root;
      std::vector<Node> src, dst;
      for (size_t p = 0; p < part.size(); ++p) {
        const auto& [m, c] = part[p];
        const bool is_root = m == root;
        if (shape == CollShape::kPrefix) {
          std::vector<Node> before;
          for (size_t q = 0; q < p; ++q) before.push_back(part[q].second->entry);
          if (c->done) add_sync(before, {*c->done});
          continue;
        }
        if (shape == CollShape::kAll || (shape == CollShape::kFromRoot && is_root) ||
            (shape == CollShape::kToRoot && !is_root))
          src.push_back(c->entry);
        if (c->done && (shape == CollShape::kAll || (shape == CollShape::kFromRoot && !is_root) ||
                        (shape == CollShape::kToRoot && is_root)))
          dst.push_back(*c->done);
      }
      add_sync(src, dst);
    }
  }
  // Messages: the k-th receive whose status names (source, tag) on a
  // communicator matches the k-th such send (MPI's non-overtaking rule).
  for (auto& [d, recvs] : receives) {
    std::sort(recvs.begin(), recvs.end(), [](const Receive& a, const Receive& b) { return a.posted < b.posted; });
    std::map<MsgKey, size_t> next;
    for (const Receive& rc : recvs) {
      MsgKey key{rc.comm, rc.src, d, rc.tag};
      auto s = sends.find(key);
      size_t& k = next[key];
      if (s == sends.end() || k >= s->second.size()) {
        warnings_.push_back("a receive on rank " + std::to_string(d) + " has no matching send in the logs");
        continue;
      }
      add_sync({s->second[k++]}, {rc.done});
    }
  }
  // PSCW: a target's post opens the origins' matching start; an origin's
  // complete lets the target's matching wait return.
  for (auto& [win, by_rank] : pscw) {
    std::map<std::pair<int, int>, size_t> post_k, start_k;
    for (auto& [t, tp] : by_rank) {
      for (size_t pi = 0; pi < tp.posts.size(); ++pi) {
        const auto& [post_ev, origins] = tp.posts[pi];
        for (int64_t o : origins) {
          auto ob = by_rank.find(static_cast<int>(o));
          if (ob == by_rank.end()) continue;
          // The k-th post of t naming o matches the k-th start of o naming t.
          size_t k = post_k[{t, static_cast<int>(o)}]++;
          size_t seen = 0;
          for (size_t si = 0; si < ob->second.starts.size(); ++si) {
            const auto& [start_ev, targets] = ob->second.starts[si];
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
  // Lock epochs on one target: an exclusive epoch excludes every other, so
  // the order the run acquired them in is a happens-before order.
  for (auto& [key, epochs] : locks) {
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

HappensBefore::Clock HappensBefore::clock(Node b) const {
  Clock c{b, nullptr, n_};
  if (b.rank < 0 || b.rank >= n_) return c;
  const auto& cps = changes_[static_cast<size_t>(b.rank)];
  auto it =
      std::upper_bound(cps.begin(), cps.end(), b.index, [](int64_t v, const ChangePoint& cp) { return v < cp.node; });
  if (it != cps.begin()) c.row = &clocks_[std::prev(it)->offset];
  return c;
}

bool HappensBefore::ordered(Node a, Node b) const { return ordered(a, clock(b)); }

void HappensBefore::compute() {
  changes_.assign(static_cast<size_t>(n_), {});
  clocks_.clear();
  const size_t n = static_cast<size_t>(n_);
  std::vector<int64_t> nodes(n, 0);  // nodes per rank
  for (const RankLog& log : model_.logs)
    if (log.rank >= 0 && log.rank < n_)
      nodes[static_cast<size_t>(log.rank)] = 2 * static_cast<int64_t>(log.events.size());
  // Incoming syncs per destination node, sorted; sources past a log's end never come.
  std::vector<std::vector<std::pair<int64_t, size_t>>> incoming(n);
  std::vector<size_t> dests_left(syncs_.size(), 0);
  for (size_t s = 0; s < syncs_.size(); ++s) {
    auto& src = syncs_[s].sources;
    src.erase(std::remove_if(src.begin(), src.end(),
                             [&](const Node& x) {
                               return x.rank < 0 || x.rank >= n_ || x.index >= nodes[static_cast<size_t>(x.rank)];
                             }),
              src.end());
    for (const Node& d : syncs_[s].dests)
      if (d.rank >= 0 && d.rank < n_ && d.index < nodes[static_cast<size_t>(d.rank)]) {
        incoming[static_cast<size_t>(d.rank)].push_back({d.index, s});
        ++dests_left[s];
      }
  }
  for (auto& in : incoming) std::sort(in.begin(), in.end());

  std::vector<int64_t> pos(n, 0);
  std::vector<size_t> in_pos(n, 0);
  std::vector<std::vector<int64_t>> cur(n, std::vector<int64_t>(n, -1));
  // The join of a sync's sources, computed once from whole clock rows and
  // dropped when its last destination has taken it.
  std::vector<std::vector<int64_t>> joined(syncs_.size());
  auto ready = [&](const Sync& s) {
    for (const Node& x : s.sources)
      if (pos[static_cast<size_t>(x.rank)] <= x.index) return false;
    return true;
  };
  auto join_of = [&](size_t si) -> const std::vector<int64_t>& {
    std::vector<int64_t>& j = joined[si];
    if (!j.empty()) return j;
    j.assign(n, -1);
    for (const Node& x : syncs_[si].sources) {
      if (pos[static_cast<size_t>(x.rank)] <= x.index) continue;  // forced past an inconsistent edge
      const Clock c = clock(x);
      if (c.row)
        for (size_t q = 0; q < n; ++q) j[q] = std::max(j[q], c.row[q]);
      j[static_cast<size_t>(x.rank)] = std::max(j[static_cast<size_t>(x.rank)], x.index);
    }
    return j;
  };
  bool force = false;
  for (;;) {
    bool progress = false, done = true;
    for (int r = 0; r < n_; ++r) {
      const size_t R = static_cast<size_t>(r);
      auto& in = incoming[R];
      while (pos[R] < nodes[R]) {
        const int64_t x = pos[R];
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
            for (size_t q = 0; q < n; ++q) cur[R][q] = std::max(cur[R][q], add[q]);
            if (--dests_left[si] == 0) std::vector<int64_t>().swap(joined[si]);
          }
          if (force) {
            warnings_.push_back("inconsistent synchronization in the logs near rank " + std::to_string(r) + " event " +
                                std::to_string(x / 2));
            force = false;
          }
          cur[R][R] = x;
          changes_[R].push_back({x, clocks_.size()});
          clocks_.insert(clocks_.end(), cur[R].begin(), cur[R].end());
          in_pos[R] = k;
        }
        ++pos[R];
        progress = true;
      }
      if (pos[R] < nodes[R]) done = false;
    }
    if (done) break;
    if (!progress) force = true;  // a cycle from inconsistent logs: let the first blocked node through
  }
}

}  // namespace rmacheck
