#include "model/run_meta.h"

#include <string.h>

namespace rmacheck {

using nlohmann::json;

namespace {

// Boxed messages that describe how a running job ended rather than why it never started.
bool about_running_job(const std::string& text) {
  return text.rfind("Primary job", 0) == 0 || text.find("exited with non-zero status") != std::string::npos ||
         text.find("noticed that process rank") != std::string::npos ||
         text.find("MPI_ABORT was invoked") != std::string::npos ||
         text.find("has exited due to process rank") != std::string::npos;
}

std::string str_field(const json& o, const char* k) {
  return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
}
int int_field(const json& o, const char* k, int def) {
  return o.contains(k) && o[k].is_number_integer() ? o[k].get<int>() : def;
}

json launcher_json(const LauncherMessages& m) {
  json j = json::object();
  json aborts = json::array();
  for (const LibraryAbort& a : m.library_aborts)
    aborts.push_back(
        {{"rank", a.rank}, {"call", a.call}, {"error_class", a.error_class}, {"error_string", a.error_string}});
  j["library_aborts"] = aborts;
  json exits = json::array();
  for (const RankExit& e : m.rank_exits) {
    json x = {{"rank", e.rank}};
    if (e.signal) x["signal"] = e.signal, x["signal_name"] = e.signal_name;
    if (e.exit_code) x["exit_code"] = e.exit_code;
    exits.push_back(x);
  }
  j["rank_exits"] = exits;
  j["messages"] = m.help_blocks;
  if (!m.missing_module.empty()) j["missing_module"] = m.missing_module;
  if (m.not_executable) j["not_executable"] = true;
  return j;
}

// What Open MPI said is informational: malformed entries are skipped, not fatal.
LauncherMessages parse_launcher(const json& j) {
  LauncherMessages m;
  if (!j.is_object()) return m;
  if (j.contains("library_aborts") && j["library_aborts"].is_array())
    for (const json& a : j["library_aborts"])
      if (a.is_object())
        m.library_aborts.push_back({int_field(a, "rank", -1), str_field(a, "call"), str_field(a, "error_class"),
                                    str_field(a, "error_string")});
  if (j.contains("rank_exits") && j["rank_exits"].is_array())
    for (const json& e : j["rank_exits"])
      if (e.is_object())
        m.rank_exits.push_back({int_field(e, "rank", -1), int_field(e, "signal", 0), int_field(e, "exit_code", 0),
                                str_field(e, "signal_name")});
  if (j.contains("messages") && j["messages"].is_array())
    for (const json& s : j["messages"])
      if (s.is_string()) m.help_blocks.push_back(s.get<std::string>());
  m.missing_module = str_field(j, "missing_module");
  m.not_executable =
      j.contains("not_executable") && j["not_executable"].is_boolean() && j["not_executable"].get<bool>();
  return m;
}

}  // namespace

std::string LauncherMessages::refusal() const {
  for (const std::string& b : help_blocks)
    if (!about_running_job(b)) return b;
  return "";
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : std::to_string(sig);
}

json run_meta_json(const RunMeta& meta) {
  json j;
  j["tool"] = "rmacheck";
  j["run_id"] = meta.run_id;
  j["command"] = meta.command;
  j["ranks"] = meta.ranks;
  j["exit_status"] = meta.exit_status ? json(*meta.exit_status) : json(nullptr);
  if (meta.exit_signal) j["exit_signal"] = *meta.exit_signal;
  j["timed_out"] = meta.timed_out;
  j["timeout_s"] = meta.timeout_s;
  if (meta.interrupted_by) {
    j["interrupted_by"] = meta.interrupted_by;
    j["interrupted_by_name"] = signal_name(meta.interrupted_by);
  }
  j["duration_s"] = meta.duration_s;
  j["launcher_pid"] = meta.launcher_pid;
  j["launcher"] = launcher_json(meta.launcher);
  return j;
}

bool parse_run_meta(const json& j, RunMeta& meta, std::string& error) {
  if (!j.is_object()) {
    error = "is not a JSON object";
    return false;
  }
  auto wrong = [&](const char* key, const char* want) {
    error = std::string("'") + key + "' is " + j[key].type_name() + ", expected " + want;
    return false;
  };
  auto has = [&](const char* key) { return j.contains(key) && !j[key].is_null(); };
  if (has("command")) {
    if (!j["command"].is_array()) return wrong("command", "a list of strings");
    for (const json& c : j["command"])
      if (!c.is_string()) {
        error = "'command' holds a " + std::string(c.type_name()) + ", expected only strings";
        return false;
      }
    meta.command = j["command"].get<std::vector<std::string>>();
  }
  auto integer = [&](const char* key, long lo, long hi, int& out) {
    if (!has(key)) return true;
    if (!j[key].is_number_integer() || j[key].get<long>() < lo || j[key].get<long>() > hi)
      return wrong(key, ("a whole number from " + std::to_string(lo) + " to " + std::to_string(hi)).c_str());
    out = j[key].get<int>();
    return true;
  };
  auto number = [&](const char* key, double& out) {
    if (!has(key)) return true;
    if (!j[key].is_number()) return wrong(key, "a number");
    out = j[key].get<double>();
    return true;
  };
  int exit_status = -1, exit_signal = 0;
  if (!integer("ranks", 0, 1 << 24, meta.ranks) || !integer("exit_status", -1, 255 + 128, exit_status) ||
      !integer("exit_signal", 0, 128, exit_signal) || !integer("interrupted_by", 0, 128, meta.interrupted_by) ||
      !integer("launcher_pid", 0, 1 << 30, meta.launcher_pid) || !number("timeout_s", meta.timeout_s) ||
      !number("duration_s", meta.duration_s))
    return false;
  if (has("exit_status")) meta.exit_status = exit_status;
  if (has("exit_signal")) meta.exit_signal = exit_signal;
  if (has("timed_out")) {
    if (!j["timed_out"].is_boolean()) return wrong("timed_out", "true or false");
    meta.timed_out = j["timed_out"].get<bool>();
  }
  if (has("run_id")) {
    if (!j["run_id"].is_string()) return wrong("run_id", "a string");
    meta.run_id = j["run_id"].get<std::string>();
  }
  if (j.contains("launcher")) meta.launcher = parse_launcher(j["launcher"]);
  meta.present = true;
  return true;
}

}  // namespace rmacheck
