#include "cli/dump.h"

#include <nlohmann/json.hpp>

#include "report/location.h"

namespace rmacheck {

namespace {
const char* field_name(int f) {
  static const char* const names[] = {
#define RMACHECK_FIELD(id, name) name,
#include "log_fields.def"
#undef RMACHECK_FIELD
  };
  return f >= 0 && f < kFieldCount ? names[f] : "?";
}
}  // namespace

void dump_events(const Model& model, std::ostream& out) {
  LocationResolver where(model);
  for (const RankLog& log : model.logs) {
    for (const auto& [id, t] : log.types) {
      nlohmann::json blocks = nlohmann::json::array();
      for (const auto& b : t.blocks) blocks.push_back({b.offset, b.length, b.basic});
      out << nlohmann::json{{"rank", log.rank}, {"typedef", id},      {"size", t.size},
                            {"lb", t.lb},       {"extent", t.extent}, {"truncated", t.truncated},
                            {"blocks", blocks}}
                 .dump()
          << "\n";
    }
    for (uint32_t i = 0; i < log.events.size(); ++i) {
      const Event& e = log.events[i];
      nlohmann::json j = {{"rank", log.rank}, {"seq", log.seq(i)},    {"thread", log.thread(e)},
                          {"call", e.name()}, {"t_enter", e.t_enter}, {"returned", e.returned}};
      if (e.returned) j["t_exit"] = e.t_exit, j["rc"] = e.rc;
      nlohmann::json fields = nlohmann::json::object();
      const EventView v = log.view(e);
      for (uint32_t k = e.fields_begin; k < e.fields_begin + e.field_count; ++k) {
        const auto key = static_cast<FieldId>(log.pool.fields[k].key);
        if (key == kF_pcs || key == kF_py_file || key == kF_py_func || key == kF_py_line) continue;
        if (log.pool.fields[k].flags & Field::kArray) {
          const Values values = v.array(key);
          fields[field_name(key)] = std::vector<int64_t>(values.begin(), values.end());
        } else {
          fields[field_name(key)] = *v.get(key);
        }
      }
      j["fields"] = fields;
      Frame loc = where.location({log.rank, i});
      j["location"] = loc.file.empty()
                          ? nlohmann::json(nullptr)
                          : nlohmann::json{{"file", loc.file}, {"line", loc.line}, {"function", loc.function}};
      out << j.dump() << "\n";
    }
  }
}

}  // namespace rmacheck
