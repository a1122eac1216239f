#include "parallel/finding_wire.h"

namespace rmacheck {

namespace {

using nlohmann::json;

json ref(const EventRef& r) { return json::array({r.rank, r.index}); }
json ref(const std::optional<EventRef>& r) { return r ? ref(*r) : json(); }
EventRef to_ref(const json& j) { return {j.at(0).get<int>(), j.at(1).get<uint32_t>()}; }
std::optional<EventRef> to_opt_ref(const json& j) {
  return j.is_null() ? std::nullopt : std::optional<EventRef>(to_ref(j));
}

json site(const std::optional<SourceSite>& s) {
  if (!s) return json();
  return json::array({s->file, s->line, s->column, s->function, s->call});
}
std::optional<SourceSite> to_site(const json& j) {
  if (j.is_null()) return std::nullopt;
  return SourceSite{j.at(0).get<std::string>(), j.at(1).get<int>(), j.at(2).get<int>(), j.at(3).get<std::string>(),
                    j.at(4).get<std::string>()};
}

json access(const Access& a) {
  return json::array({ref(a.event), a.access, a.target_rank, a.lo, a.hi, a.note, site(a.site), a.memory, a.unit,
                      ref(a.epoch_opened), ref(a.completed), a.completion_known, ref(a.request)});
}
Access to_access(const json& j) {
  Access a;
  a.event = to_ref(j.at(0));
  a.access = j.at(1).get<std::string>();
  a.target_rank = j.at(2).get<int>();
  a.lo = j.at(3).get<int64_t>();
  a.hi = j.at(4).get<int64_t>();
  a.note = j.at(5).get<std::string>();
  a.site = to_site(j.at(6));
  a.memory = j.at(7).get<std::string>();
  a.unit = j.at(8).get<int64_t>();
  a.epoch_opened = to_opt_ref(j.at(9));
  a.completed = to_opt_ref(j.at(10));
  a.completion_known = j.at(11).get<bool>();
  a.request = to_opt_ref(j.at(12));
  return a;
}

json finding(const Finding& f) {
  json accesses = json::array(), tuples = json::array();
  for (const Access& a : f.accesses) accesses.push_back(access(a));
  for (const auto& [ranks, n] : f.rank_tuples) tuples.push_back(json::array({ranks, n}));
  return json::array({static_cast<int>(f.kind), static_cast<int>(f.code), f.message, f.window, accesses, ref(f.where),
                      f.details, f.count, f.ranks, f.is_static, f.confidence, site(f.site), tuples});
}
Finding to_finding(const json& j) {
  Finding f;
  const int kind = j.at(0).get<int>(), code = j.at(1).get<int>();
  if (kind < 0 || kind > kKindCount || code < 0 || code > kNoCode) throw std::out_of_range("finding kind or code");
  f.kind = static_cast<FindingKind>(kind);
  f.code = static_cast<FindingCode>(code);
  f.message = j.at(2).get<std::string>();
  f.window = j.at(3).get<std::string>();
  for (const json& a : j.at(4)) f.accesses.push_back(to_access(a));
  f.where = to_opt_ref(j.at(5));
  f.details = j.at(6);
  f.count = j.at(7).get<int>();
  f.ranks = j.at(8).get<std::vector<int>>();
  f.is_static = j.at(9).get<bool>();
  f.confidence = j.at(10).get<std::string>();
  f.site = to_site(j.at(11));
  for (const json& t : j.at(12)) f.rank_tuples[t.at(0).get<std::vector<int>>()] = t.at(1).get<int>();
  return f;
}

}  // namespace

std::vector<uint8_t> encode_outputs(const std::vector<DetectorOutput>& outputs) {
  json all = json::array();
  for (const DetectorOutput& o : outputs) {
    json findings = json::array();
    for (const Finding& f : o.analysis.findings) findings.push_back(finding(f));
    all.push_back(json::array({o.detector, findings, o.analysis.notes}));
  }
  return json::to_msgpack(all);
}

bool decode_outputs(const uint8_t* data, size_t size, std::vector<DetectorOutput>& out, std::string& error) {
  try {
    const json all = json::from_msgpack(data, data + size);
    for (const json& o : all) {
      DetectorOutput d;
      d.detector = o.at(0).get<int>();
      for (const json& f : o.at(1)) d.analysis.findings.push_back(to_finding(f));
      d.analysis.notes = o.at(2).get<std::vector<std::string>>();
      out.push_back(std::move(d));
    }
  } catch (const json::exception& e) {
    error = std::string("findings from another process are damaged: ") + e.what();
    return false;
  } catch (const std::out_of_range& e) {
    error = std::string("findings from another process are damaged: ") + e.what();
    return false;
  }
  return true;
}

}  // namespace rmacheck
