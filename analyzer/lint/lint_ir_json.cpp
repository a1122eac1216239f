#include "lint/lint_ir_json.h"

namespace rmacheck::lint {

using nlohmann::json;

namespace {

json ref_json(const Ref& r) {
  json j = {{"key", r.key}, {"base", r.base}};
  if (r.whole) j["whole"] = true;
  if (r.local) j["local"] = true;
  if (r.index) j["index"] = *r.index;
  if (r.element) j["element"] = true;
  return j;
}

Ref ref_from(const json& j) {
  Ref r;
  if (j.is_string()) {  // shorthand of the Python helper: a plain local name
    r.key = r.base = j.get<std::string>();
    r.local = true;
    return r;
  }
  r.key = j.value("key", "");
  r.base = j.value("base", r.key);
  r.whole = j.value("whole", false);
  r.local = j.value("local", false);
  if (j.contains("index") && j["index"].is_number_integer()) r.index = j["index"].get<int64_t>();
  r.element = j.value("element", false);
  return r;
}

json value_json(const Value& v) {
  json j = {{"text", v.text}};
  if (v.constant) j["constant"] = *v.constant;
  return j;
}

Value value_from(const json& j) {
  Value v;
  v.text = j.value("text", "");
  if (j.contains("constant") && j["constant"].is_number_integer()) v.constant = j["constant"].get<int64_t>();
  return v;
}

const char* kOpKinds[] = {"mpi", "load", "store", "assign", "call", "escape", "failed"};
const char* kNodeKinds[] = {"entry", "exit", "abort", "stmt", "branch"};

template <class E, size_t N>
E enum_from(const std::string& s, const char* (&names)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  throw json::other_error::create(501, "unknown name '" + s + "'", nullptr);
}

}  // namespace

json unit_to_json(const Unit& u) {
  json fns = json::array();
  for (const Function& f : u.functions) {
    json nodes = json::array();
    for (const Node& n : f.nodes) {
      json ops = json::array();
      for (const Op& o : n.ops) {
        json jo = {{"op", kOpKinds[static_cast<int>(o.kind)]}, {"line", o.line}};
        if (o.column) jo["column"] = o.column;
        if (!o.name.empty()) jo["name"] = o.name;
        auto put = [&](const char* k, const Ref& r) {
          if (!r.empty()) jo[k] = ref_json(r);
        };
        put("request", o.request);
        put("window", o.window);
        put("object", o.object);
        put("memory", o.memory);
        put("origin", o.origin);
        put("result", o.result);
        put("comm", o.comm);
        put("var", o.var);
        if (!o.target.text.empty()) jo["target"] = value_json(o.target);
        if (!o.count.text.empty() || o.count.constant) jo["count"] = value_json(o.count);
        if (!o.disp.text.empty()) jo["disp"] = value_json(o.disp);
        if (o.basic_type) jo["basic_type"] = true;
        if (!o.target_count.text.empty()) jo["target_count"] = value_json(o.target_count);
        if (o.target_basic_type) jo["target_basic_type"] = true;
        if (o.nosucceed) jo["nosucceed"] = true;
        if (!o.reads.empty()) jo["reads"] = o.reads;
        if (!o.args.empty()) jo["args"] = o.args;
        ops.push_back(jo);
      }
      json jn = {{"kind", kNodeKinds[static_cast<int>(n.kind)]}, {"line", n.line}, {"succ", n.succ}};
      if (!ops.empty()) jn["ops"] = ops;
      if (std::find(n.back.begin(), n.back.end(), true) != n.back.end()) jn["back"] = n.back;
      if (n.kind == NodeKind::kBranch) {
        jn["cond"] = n.cond_text;
        jn["cond_vars"] = n.cond_vars;
        if (n.correlate) jn["correlate"] = true;
      }
      if (n.returns) jn["returns"] = true;
      nodes.push_back(jn);
    }
    fns.push_back({{"name", f.name},
                   {"line", f.line},
                   {"main", f.is_main},
                   {"end_finalizes", f.end_finalizes},
                   {"params", f.params},
                   {"nodes", nodes}});
  }
  return {{"file", u.file}, {"language", u.language}, {"globals", u.globals}, {"functions", fns}};
}

Unit unit_from_json(const json& j) {
  Unit u;
  u.file = j.value("file", "");
  u.language = j.value("language", "python");
  u.globals = j.value("globals", std::vector<std::string>{});
  for (const json& jf : j.at("functions")) {
    Function f;
    f.name = jf.value("name", "");
    f.line = jf.value("line", 0);
    f.is_main = jf.value("main", false);
    f.end_finalizes = jf.value("end_finalizes", false);
    f.params = jf.value("params", std::vector<std::string>{});
    for (const json& jn : jf.at("nodes")) {
      Node n;
      n.kind = enum_from<NodeKind>(jn.at("kind").get<std::string>(), kNodeKinds);
      n.line = jn.value("line", 0);
      n.succ = jn.value("succ", std::vector<int>{});
      n.back = jn.value("back", std::vector<bool>(n.succ.size(), false));
      n.back.resize(n.succ.size(), false);
      n.cond_text = jn.value("cond", "");
      n.cond_vars = jn.value("cond_vars", std::vector<std::string>{});
      n.correlate = jn.value("correlate", false);
      n.returns = jn.value("returns", false);
      for (const json& jo : jn.value("ops", json::array())) {
        Op o;
        o.kind = enum_from<OpKind>(jo.at("op").get<std::string>(), kOpKinds);
        o.line = jo.value("line", 0);
        o.column = jo.value("column", 0);
        o.name = jo.value("name", "");
        auto get = [&](const char* k, Ref& r) {
          if (jo.contains(k)) r = ref_from(jo[k]);
        };
        get("request", o.request);
        get("window", o.window);
        get("object", o.object);
        get("memory", o.memory);
        get("origin", o.origin);
        get("result", o.result);
        get("comm", o.comm);
        get("var", o.var);
        if (jo.contains("target")) o.target = value_from(jo["target"]);
        if (jo.contains("count")) o.count = value_from(jo["count"]);
        if (jo.contains("disp")) o.disp = value_from(jo["disp"]);
        o.basic_type = jo.value("basic_type", false);
        if (jo.contains("target_count")) o.target_count = value_from(jo["target_count"]);
        o.target_basic_type = jo.value("target_basic_type", false);
        o.nosucceed = jo.value("nosucceed", false);
        o.reads = jo.value("reads", std::vector<std::string>{});
        o.args = jo.value("args", std::vector<std::vector<std::string>>{});
        n.ops.push_back(std::move(o));
      }
      f.nodes.push_back(std::move(n));
    }
    // Validate the graph: the checks index nodes by these numbers.
    if (f.nodes.size() < 3)
      throw json::other_error::create(501, "function '" + f.name + "' has no entry/exit", nullptr);
    for (const Node& n : f.nodes)
      for (int s : n.succ)
        if (s < 0 || s >= static_cast<int>(f.nodes.size()))
          throw json::other_error::create(501, "function '" + f.name + "': edge to a missing node", nullptr);
    u.functions.push_back(std::move(f));
  }
  return u;
}

}  // namespace rmacheck::lint
