// The HTML report: one self-contained file (inline CSS and script, a
// Content-Security-Policy that forbids any network access), with a summary
// table of findings and, per finding, its sides with their stacks,
// synchronization and source lines, and for races a timeline of the window's
// ranks (calls in time order, epochs as bands, the two conflicting accesses
// highlighted). Every string from the logs or the sources is escaped.
#include <sstream>

#include "report/escape.h"
#include "report/kind_help.h"
#include "report/report.h"
#include "report/sync_bounds.h"

namespace rmacheck {

using nlohmann::json;

namespace {

const char* kStyle = R"css(
:root{--err:#b3261e;--warn:#9a6700;--ink:#1f2328;--mute:#59636e;--line:#d1d9e0;--bg:#f6f8fa;
--side1:#ffd8d3;--side1b:#d1242f;--side2:#ffe9b8;--side2b:#bf8700;--sync:#dff3ff;}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--ink);margin:0;background:#fff}
header{background:#24292f;color:#fff;padding:14px 24px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:2px 0;color:#d0d7de}
main{padding:8px 24px 40px;max-width:1400px}
h2{font-size:17px;margin:22px 0 8px}
h3{font-size:14px;margin:0 0 6px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
table{border-collapse:collapse}
#findings-table{width:100%}
#findings-table th,#findings-table td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
#findings-table th{background:var(--bg);cursor:pointer;user-select:none;white-space:nowrap}
#findings-table tbody tr{cursor:pointer}
#findings-table tbody tr:hover{background:#f3f6fa}
.sev{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.sev.error{background:var(--err)}.sev.warning{background:var(--warn)}.sev.suppressed{background:#6e7781}
.finding{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:16px 0}
.finding:target{box-shadow:0 0 0 3px #54aeff66}
.finding h2{margin-top:2px}
.message{margin:4px 0 6px;font-weight:500}
.meta{color:var(--mute);margin:0 0 10px}
.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
.side{border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:#fff}
.side.side1{border-left:6px solid var(--side1b)}.side.side2{border-left:6px solid var(--side2b)}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;margin-right:4px}
.badge.side1{background:var(--side1);color:#82071e;border:1px solid var(--side1b)}
.badge.side2{background:var(--side2);color:#6b4600;border:1px solid var(--side2b)}
.badge.sync{background:var(--sync);color:#0a3069;border:1px solid #54aeff}
ol.stack{margin:4px 0;padding-left:26px}
.sync-line{color:var(--mute);margin:4px 0}
pre.source{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:6px 0;margin:6px 0;white-space:pre-wrap;word-break:break-word}
pre.source .ln{display:inline-block;width:4em;padding-right:10px;text-align:right;color:#8c959f;user-select:none}
pre.source .src-line{display:block;padding-right:10px;padding-left:4.6em;text-indent:-4.6em}
pre.source .src-line.hit{background:#fff8c5;font-weight:600}
.help{color:var(--mute);font-size:13px;margin:8px 0 0}
.timeline{margin-top:14px;overflow-x:auto}
table.tl{border:1px solid var(--line);font-size:12.5px;min-width:60%}
table.tl th{background:var(--bg);padding:5px 10px;border-bottom:1px solid var(--line);text-align:left}
table.tl td{padding:3px 10px;border-left:4px solid transparent;white-space:nowrap;height:24px}
table.tl td.time{color:#8c959f;border-left:none;text-align:right}
table.tl td.ep-fence{border-left-color:#8250df;background:#fbefff}
table.tl td.ep-lock,table.tl td.ep-lock_all{border-left-color:#1a7f37;background:#eefbf1}
table.tl td.ep-Win_start,table.tl td.ep-Win_post{border-left-color:#0969da;background:#eef6ff}
table.tl td.call{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
table.tl td.call .where{color:var(--mute);margin-left:6px}
table.tl td.role-side1{background:var(--side1)!important;outline:2px solid var(--side1b);outline-offset:-2px;font-weight:700}
table.tl td.role-side2{background:var(--side2)!important;outline:2px solid var(--side2b);outline-offset:-2px;font-weight:700}
table.tl td.role-sync{background:var(--sync)!important}
table.tl tr.elided td{color:var(--mute);font-style:italic}
.legend{color:var(--mute);font-size:12px;margin:6px 0}
.legend span{display:inline-block;margin-right:12px}
.legend i{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:4px;border:1px solid #8c959f}
#notes li{color:var(--mute)}
#filter{margin:6px 0 8px;padding:4px 8px;width:280px;border:1px solid var(--line);border-radius:6px}
)css";

const char* kScript = R"js(
(function(){
  var table=document.getElementById('findings-table');
  if(table){
    var rows=Array.prototype.slice.call(table.tBodies[0].rows);
    rows.forEach(function(r){r.addEventListener('click',function(){location.hash=r.getAttribute('data-target');});});
    Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,col){
      th.addEventListener('click',function(){
        var asc=th.getAttribute('data-asc')!=='1';th.setAttribute('data-asc',asc?'1':'0');
        rows.sort(function(a,b){var x=a.cells[col].getAttribute('data-sort')||a.cells[col].textContent,
          y=b.cells[col].getAttribute('data-sort')||b.cells[col].textContent;
          var nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
        rows.forEach(function(r){table.tBodies[0].appendChild(r);});
      });
    });
    var filter=document.getElementById('filter');
    if(filter)filter.addEventListener('input',function(){
      var q=filter.value.toLowerCase(),shown=0;
      rows.forEach(function(r){var ok=r.textContent.toLowerCase().indexOf(q)>=0;r.style.display=ok?'':'none';if(ok)shown++;});
      document.getElementById('shown').textContent=shown;
    });
    document.getElementById('shown').textContent=rows.length;
  }
  document.body.setAttribute('data-ready','1');
})();
)js";

class HtmlRenderer {
 public:
  HtmlRenderer(const json& report, const json& ctx) : report_(report), ctx_(ctx) {
    root_ = report.value("source_root", "");
    if (!root_.empty() && root_.back() != '/') root_ += "/";
  }

  std::string render() {
    const json& s = report_["summary"];
    out_ << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         << "<title>rmacheck report: " << s["errors"] << " errors, " << s["warnings"] << " warnings</title>\n"
         << "<style>" << kStyle << "</style></head>\n<body>\n";
    header();
    out_ << "<main>\n";
    summary_table();
    const json& findings = report_["findings"];
    for (size_t i = 0; i < findings.size(); ++i) {
      const json& t = i < ctx_["timelines"].size() ? ctx_["timelines"][i] : json();
      finding(findings[i], "finding-" + std::to_string(i + 1), std::to_string(i + 1) + ". ", t);
    }
    const json& suppressed = report_.value("suppressed", json::array());
    if (!suppressed.empty()) {
      out_ << "<h2 id=\"suppressed\">Suppressed findings (" << suppressed.size() << ")</h2>\n";
      for (size_t i = 0; i < suppressed.size(); ++i)
        finding(suppressed[i], "suppressed-" + std::to_string(i + 1), "", json());
    }
    notes();
    out_ << "</main>\n<script>" << kScript << "</script>\n</body></html>\n";
    return out_.str();
  }

 private:
  std::string esc(const std::string& s) const { return html_escape(s); }
  std::string str(const json& j, const char* key) const {
    return j.is_object() && j.contains(key) && j[key].is_string() ? esc(j[key].get<std::string>()) : std::string();
  }
  std::string rel(std::string file) const {
    if (!root_.empty() && file.compare(0, root_.size(), root_) == 0) file = file.substr(root_.size());
    return file;
  }
  std::string where(const json& loc) const {
    if (!loc.is_object()) return "(inside MPI, mpi4py or the Python runtime)";
    const std::string file = loc.value("file", ""), fn = loc.value("function", "");
    if (file.empty()) return fn.empty() ? "(unknown location)" : "in " + esc(fn);
    std::string s = esc(rel(file)) + ":" + std::to_string(loc.value("line", 0));
    return fn.empty() ? s : s + " in " + esc(fn);
  }
  std::string call_at(const json& ev, int side_rank) const {
    std::string s = "<code>" + str(ev, "call") + "</code>";
    if (ev["location"].is_object())
      s += (ev["location"].value("file", "").empty() ? " " : " at ") + where(ev["location"]);
    if (ev.value("rank", side_rank) != side_rank) s += " on rank " + std::to_string(ev["rank"].get<int>());
    return s;
  }
  static std::string ranks_text(const json& ranks) {
    std::string r;
    for (const json& x : ranks) r += (r.empty() ? "" : ",") + std::to_string(x.get<int>());
    return r;
  }

  void header() {
    const json& run = report_["run"];
    const json& s = report_["summary"];
    out_ << "<header><h1>rmacheck report</h1>\n<p class=\"run\">";
    if (run.is_null()) {  // rmacheck lint alone
      const size_t files = report_.value("lint", json::object()).value("files", json::array()).size();
      out_ << "rmacheck lint: " << files << (files == 1 ? " file" : " files") << "</p>\n";
    } else {
      run_line(run);
    }
    out_ << "<p class=\"summary\" id=\"summary-line\">" << s["errors"] << (s["errors"] == 1 ? " error, " : " errors, ")
         << s["warnings"] << (s["warnings"] == 1 ? " warning" : " warnings") << ", " << s.value("suppressed", 0)
         << " suppressed</p></header>\n";
  }

  void run_line(const json& run) {
    out_ << run["ranks"] << " ranks";
    if (!run["command"].empty()) {
      out_ << " &middot; command: <code class=\"command\">";
      for (const json& c : run["command"]) out_ << esc(c.get<std::string>()) << " ";
      out_ << "</code>";
    }
    out_ << " &middot; exit status "
         << (run["exit_status"].is_null() ? std::string("unknown") : run["exit_status"].dump()) << " &middot; "
         << (run["complete"].get<bool>() ? "all ranks finished" : "incomplete") << "</p>\n";
  }

  void summary_table() {
    const json& findings = report_["findings"];
    out_ << "<h2>Findings</h2>\n";
    if (findings.empty()) {
      out_ << "<p id=\"no-findings\">No findings.</p>\n";
      return;
    }
    out_ << "<input id=\"filter\" type=\"search\" placeholder=\"filter findings\" aria-label=\"filter findings\"> "
            "<span class=\"legend\"><span id=\"shown\"></span> shown</span>\n"
         << "<table id=\"findings-table\"><thead><tr><th>#</th><th>severity</th><th>kind</th><th>where</th>"
            "<th>ranks</th><th>count</th><th>message</th></tr></thead><tbody>\n";
    for (size_t i = 0; i < findings.size(); ++i) {
      const json& f = findings[i];
      const std::string sev = f["severity"];
      json first = f["accesses"].empty() ? f.value("location", json()) : f["accesses"][0]["location"];
      out_ << "<tr class=\"" << sev << "\" data-target=\"finding-" << i + 1 << "\"><td data-sort=\"" << i + 1
           << "\"><a href=\"#finding-" << i + 1 << "\">" << i + 1 << "</a></td><td><span class=\"sev " << sev << "\">"
           << sev << "</span></td><td class=\"kind\">" << str(f, "kind") << "</td><td class=\"mono\">" << where(first)
           << "</td><td>" << ranks_text(f["ranks"]) << "</td><td data-sort=\"" << f["count"] << "\">" << f["count"]
           << "</td><td class=\"message\">" << str(f, "message") << "</td></tr>\n";
    }
    out_ << "</tbody></table>\n";
  }

  void source(const json& loc) {
    if (!loc.is_object()) return;
    const std::string file = loc.value("file", "");
    const int line = loc.value("line", 0);
    const json& lines = ctx_["sources"].value(file, json::object());
    if (file.empty() || line <= 0 || !lines.contains(std::to_string(line))) return;
    out_ << "<pre class=\"source\"><code>";
    for (int l = line - 2; l <= line + 2; ++l) {
      const std::string k = std::to_string(l);
      if (!lines.contains(k)) continue;
      std::string text = lines[k].get<std::string>();
      for (size_t p; (p = text.find('\t')) != std::string::npos;) text.replace(p, 1, "    ");
      out_ << "<span class=\"src-line" << (l == line ? " hit" : "") << "\" data-line=\"" << l
           << "\"><span class=\"ln\">" << l << "</span>" << esc(text) << "</span>";
    }
    out_ << "</code></pre>\n";
  }

  void side(const json& a, size_t n, bool race) {
    const std::string cls = race && n <= 2 ? "side" + std::to_string(n) : "";
    out_ << "<div class=\"side " << cls << "\" data-side=\"" << n << "\"><h3>";
    if (!cls.empty()) out_ << "<span class=\"badge " << cls << "\">access " << n << "</span>";
    if (a.contains("access")) out_ << str(a, "access") << " by ";
    if (a.contains("rank")) out_ << "rank " << a["rank"] << ": ";
    out_ << "<code>" << str(a, "call") << "</code>";
    if (a.contains("target_rank")) out_ << " on rank " << a["target_rank"];
    if (a.contains("bytes")) {
      out_ << ", " << (a.contains("memory") ? str(a, "memory") + " " : "") << "bytes [" << a["bytes"][0] << ","
           << a["bytes"][1] << ")";
      if (a.contains("disp"))
        out_ << " = disp [" << a["disp"][0] << "," << a["disp"][1] << ") &times; disp_unit " << a["disp_unit"];
      else if (a.contains("elements"))
        out_ << " = elements [" << a["elements"][0] << "," << a["elements"][1] << ") of " << a["element_size"]
             << " bytes";
    }
    if (a.contains("note")) out_ << " (" << str(a, "note") << ")";
    out_ << "</h3>\n<ol class=\"stack\" start=\"0\">";
    const json& stack = a["stack"];
    if (stack.empty()) out_ << "<li class=\"mono\">" << where(a["location"]) << "</li>";
    for (const json& fr : stack) out_ << "<li class=\"mono\">" << where(fr) << "</li>";
    out_ << "</ol>\n";
    const std::vector<std::string> bounds =
        sync_bounds(a, [this](const json& ev, int side_rank) { return call_at(ev, side_rank); });
    if (!bounds.empty()) {
      out_ << "<p class=\"sync-line\">";
      for (size_t i = 0; i < bounds.size(); ++i) out_ << (i ? "; " : "") << bounds[i];
      out_ << "</p>\n";
    }
    source(a["location"]);
    out_ << "</div>\n";
  }

  // The epoch kind rank `r` is in at time t, if any.
  static std::string epoch_at(const json& epochs, int r, int64_t t) {
    for (const json& e : epochs)
      if (e["rank"] == r && e["t_open"].get<int64_t>() <= t &&
          (e["t_close"].is_null() || t <= e["t_close"].get<int64_t>()))
        return e["kind"];
    return "";
  }

  void timeline(const json& t) {
    const json& ranks = t["ranks"];
    out_ << "<div class=\"timeline\"><h3>Timeline"
         << (t.contains("window") ? " of window " + str(t, "window") : std::string()) << "</h3>\n"
         << "<p class=\"legend\"><span><i style=\"background:var(--side1)\"></i>access 1</span>"
            "<span><i style=\"background:var(--side2)\"></i>access 2</span>"
            "<span><i style=\"background:var(--sync)\"></i>their synchronization</span>"
            "<span><i style=\"background:#fbefff\"></i>fence epoch</span>"
            "<span><i style=\"background:#eefbf1\"></i>lock epoch</span>"
            "<span><i style=\"background:#eef6ff\"></i>start/post epoch</span>"
            "calls in the order they were entered (one node's clock)</p>\n"
         << "<table class=\"tl\"><thead><tr><th>t (&micro;s)</th>";
    for (const json& r : ranks) out_ << "<th>rank " << r << "</th>";
    out_ << "</tr></thead><tbody>\n";
    const int64_t t0 = t["rows"].empty() ? 0 : t["rows"][0]["t"].get<int64_t>();
    for (const json& row : t["rows"]) {
      const int64_t at = row["t"].get<int64_t>();
      const bool elided = row.contains("elided");
      out_ << "<tr" << (elided ? " class=\"elided\"" : "") << "><td class=\"time\">" << (at - t0) / 1000 << "</td>";
      for (const json& r : ranks) {
        const std::string ep = epoch_at(t["epochs"], r.get<int>(), at);
        std::string cls = ep.empty() ? "" : "ep-" + ep;
        if (row["rank"] != r) {
          out_ << "<td class=\"" << cls << "\"></td>";
          continue;
        }
        if (elided) {
          out_ << "<td class=\"" << cls << "\">&hellip; " << row["elided"] << " more calls &hellip;</td>";
          continue;
        }
        const std::string role = row.value("role", "");
        cls += " call";
        if (!role.empty()) cls += " role-" + role;
        out_ << "<td class=\"" << cls << "\" data-rank=\"" << r << "\" data-event=\"" << row["event"] << "\">";
        if (role == "side1" || role == "side2")
          out_ << "<span class=\"badge " << role << "\">access " << role.substr(4) << "</span>";
        out_ << esc(row["call"].get<std::string>());
        if (row.contains("unreturned")) out_ << " (never returned)";
        if (row.contains("location"))  // the line only; the file is in the tooltip
          out_ << "<span class=\"where\" title=\"" << esc(rel(row["location"]["file"])) << ":"
               << row["location"]["line"] << "\">line " << row["location"]["line"] << "</span>";
        out_ << "</td>";
      }
      out_ << "</tr>\n";
    }
    out_ << "</tbody></table></div>\n";
  }

  void finding(const json& f, const std::string& id, const std::string& number, const json& tl) {
    const std::string sev = f.contains("suppressed_by") ? "suppressed" : f["severity"].get<std::string>();
    const std::string kind = f["kind"];
    const bool race = tl.is_object();
    out_ << "<section class=\"finding " << sev << "\" id=\"" << id << "\" data-kind=\"" << esc(kind) << "\">\n"
         << "<h2><span class=\"sev " << sev << "\">" << sev << "</span> " << number << esc(kind) << "</h2>\n"
         << "<p class=\"message\">" << str(f, "message") << "</p>\n<p class=\"meta\">";
    if (f.contains("window")) {
      out_ << "window " << str(f, "window");
      if (f.contains("window_created")) out_ << " (created by " << call_at(f["window_created"], -1) << ")";
      out_ << " &middot; ";
    }
    if (f.value("static", false))  // rmacheck lint saw it (and the run too when "dynamic")
      out_ << (f.value("dynamic", false) ? "seen statically and in the run, ranks " + ranks_text(f["ranks"])
                                         : std::string("static"))
           << ", confidence " << str(f, "confidence");
    else
      out_ << "ranks " << ranks_text(f["ranks"]);
    if (f["count"].get<int>() > 1) out_ << " &middot; " << f["count"] << " occurrences";
    const json& occ = f.value("occurrences", json::array());
    if (occ.size() > 1) {
      out_ << " &middot; by the ranks of the sides:";
      for (const json& o : occ) out_ << " " << ranks_text(o["ranks"]) << " (" << o["count"] << "&times;)";
    }
    if (f.contains("suppressed_by")) {
      const json& by = f["suppressed_by"];
      out_ << " &middot; suppressed by " << esc(rel(by.value("file", ""))) << ":" << by.value("line", 0) << " ("
           << str(by, "rule") << ")";
    }
    out_ << "</p>\n";
    if (f.contains("location")) {
      out_ << "<p class=\"mono\">at " << where(f["location"]) << "</p>\n";
      source(f["location"]);
    }
    out_ << "<div class=\"sides\">\n";
    size_t n = 0;
    for (const json& a : f["accesses"]) side(a, ++n, race);
    out_ << "</div>\n";
    if (race) timeline(tl);
    out_ << "<p class=\"help\">" << esc(kind_help(kind)) << "</p>\n</section>\n";
  }

  void notes() {
    static const json kNoRun = {{"log_errors", json::array()}, {"unfinished", json::array()}};
    const json& run = report_["run"].is_null() ? kNoRun : report_["run"];
    out_ << "<h2>" << (report_["run"].is_null() ? "Lint" : "Run") << "</h2>\n<ul id=\"notes\">\n";
    for (const json& e : report_.value("lint", json::object()).value("errors", json::array()))
      out_ << "<li>lint: " << esc(e.get<std::string>()) << "</li>\n";
    for (const json& e : run["log_errors"]) out_ << "<li>log error: " << esc(e.get<std::string>()) << "</li>\n";
    for (const json& u : run["unfinished"]) {
      out_ << "<li>rank " << u["rank"] << " did not finish: " << str(u, "state");
      if (u.contains("call")) out_ << " (" << str(u, "call") << ")";
      if (u.contains("location")) out_ << " at " << where(u["location"]);
      if (u.value("in_rmacheck", false))
        out_ << "; stopped inside rmacheck's own code (a defect of rmacheck, please report it)"
             << (u.contains("stopped_at") ? " at " + where(u["stopped_at"]) : std::string());
      else if (u.contains("stopped_at"))
        out_ << "; stopped outside MPI at " << where(u["stopped_at"]);
      out_ << "</li>\n";
    }
    for (const json& n : report_.value("notes", json::array()))
      out_ << "<li class=\"note\">note: " << esc(n.get<std::string>()) << "</li>\n";
    out_ << "</ul>\n";
  }

  const json& report_;
  const json& ctx_;
  std::string root_;
  std::ostringstream out_;
};

}  // namespace

std::string render_html(const json& report, const json& context) { return HtmlRenderer(report, context).render(); }

}  // namespace rmacheck
