export const MAIN_HELP = `perflab: load tests and server-side correlation for HTTP APIs

Usage:
  perflab run <scenario | url> [options]   run a load test (perflab help run)
  perflab merge <result.json>...  [options] merge results of several generators (perflab help merge)
  perflab init [file]                       write a commented starter scenario (perflab help init)
  perflab scenarios                         list the bundled scenarios
  perflab compare <before> <after> [options] before/after verdicts and causes (perflab help compare)
  perflab report <result | folder | compare.json> write report.html, summary.md, junit.xml (perflab help report)
  perflab profile <scenario> --tool doctor|flame  the scenario under Clinic.js (perflab help profile)
  perflab target [--mode monolith|services]  start the sample shop (repository only; perflab help target)
  perflab help <command>                    that command's help
  perflab --help | --version

Exit codes:
  0    success: every threshold passed
  1    a threshold failed (or a compared run regressed)
  2    bad input or a failed pre-flight: nothing (or nothing valid) was measured
  3    internal error in perflab (a bug: please report it with the stack trace)
  130  interrupted by Ctrl-C (the partial result is still written)
`;

export const RUN_HELP = `Usage: perflab run <scenario | url> [options]

<scenario> is a bundled scenario name (smoke, browse, orders, order-history, checkout, mixed, checkout-saga)
or a TypeScript/JavaScript file whose default export is defineScenario({...}).
A bare URL (http://127.0.0.1:3000/api/products) runs a one-request scenario.

Target
  -t, --target <url>         base URL of the API (default: $PERFLAB_TARGET)
      --allow-remote         allow a target that is not loopback (localhost, 127.x, ::1)

Load model (closed unless --rate or --stages is given)
  -c, --connections <n>      closed model: virtual users, each waiting for its answer (default 10)
  -r, --rate <n>             open model: constant arrival rate, flows (iterations) per second
      --stages <list>        open model: ramps like 30s:100,60s:500,30s:0 (duration:rate)
      --start-rate <n>       open model: rate the first stage ramps from (default 0)
      --max-connections <n>  open model: cap on connections and iterations in flight (default 512)
      --max-send-lag <dur>   open model: send lag p99 above this flags the generator (default 5ms)
      --precise-timing       open model: spin between close arrivals (sub-ms send lag, one busy core)
      --segment <i/N>        run the i-th of N equal shares of this plan (scale-out; merge the N results)

Length
  -d, --duration <dur>       measured duration, e.g. 30s, 2m (default 10s unless --requests)
  -n, --requests <n>         stop after this many measured requests
  -w, --warmup <dur>         load first sent for this long and not counted (default 0)
      --timeout <dur>        per-request timeout (default 10s)

Gates and output
      --threshold <expr>     repeatable: p95<200ms, errors<1%, orders:p99<500ms, rps>100
  -o, --out <dir>            where result.json goes (default reports/<timestamp>-<scenario>/)
      --repeat <n>           n runs one after the other into one folder (run-1/ ... run-n/), for compare
      --no-report            do not write report.html and summary.md next to result.json
      --no-scrape            do not scrape <target>/metrics
      --scrape-interval <dur> scrape period during the run (default 5s)
      --json                 print result.json to stdout instead of the summary
      --prometheus-rw <url>  push live client figures every second over Prometheus remote write
                             (e.g. http://127.0.0.1:9090/api/v1/write); failed pushes are counted
      --testid <id>          label for those series, shared by generators of one run
                             (default <scenario>-<start time>)
  -q, --quiet                no live progress
  -h, --help                 this help

Durations take us, ms, s, m or h. Ctrl-C stops the load and writes the partial result.
`;

export const MERGE_HELP = `Usage: perflab merge <result.json> <result.json>... [options]

Merges results of generators that ran at the same time against one target
(several machines). Latency histograms are added exactly, so the merged
percentiles are those of all requests together. Thresholds of the first
result are evaluated again on the merged figures. Results of different scenarios
or load models, or runs that did not overlap in time, are refused (exit 2).

      --force       merge them anyway
  -o, --out <dir>   where the merged result.json goes (default reports/<timestamp>-<scenario>-merged/)
      --json        print the merged result to stdout instead of the summary
  -h, --help        this help
`;

export const PROFILE_HELP = `Usage: perflab profile <scenario> --tool doctor|flame [options] [-- <command>...]

Starts the target app (or <command>) under Clinic.js, runs the scenario
against it, stops it with SIGTERM and writes clinic's HTML report next to
result.json and summary.md. The server gets PORT=0 and HOST=127.0.0.1.

      --tool <name>          doctor (event loop, GC, handles, CPU) or flame (flame graph)
      --start-timeout <dur>  how long the server may take to listen (default 5m)

Load (closed unless --rate is given)
  -c, --connections <n>      closed model: virtual users (default 10)
  -r, --rate <n>             open model: iterations per second
      --max-connections <n>  open model: cap on connections in flight (default 512)
  -d, --duration <dur>       measured duration (default 10s unless --requests)
  -n, --requests <n>         stop after this many measured requests
  -w, --warmup <dur>         load first sent for this long and not counted (default 0)
      --timeout <dur>        per-request timeout (default 10s)
      --threshold <expr>     repeatable, as in perflab run

Output
  -o, --out <dir>            report folder (default reports/<timestamp>-<scenario>-<tool>/)
  -q, --quiet                no progress
  -h, --help                 this help

-- <command>...              the server to profile instead of the target app,
                             e.g. -- node server.js (it must listen on $PORT)

Needs @clinic/doctor or @clinic/flame; without them it exits 2 naming the install command.
`;

export const INIT_HELP = `Usage: perflab init [file] [options]

Writes a commented starter scenario for your own API (default perflab-scenario.ts)
that imports defineScenario from 'perflab'. Edit its steps, then:
  npx perflab run perflab-scenario.ts --target http://127.0.0.1:3000

      --force       overwrite the file if it exists
  -h, --help        this help
`;

export const SCENARIOS_HELP = `Usage: perflab scenarios

Lists the bundled scenarios (written for the sample target app) with their descriptions.

  -h, --help        this help
`;

export const COMPARE_HELP = `Usage: perflab compare <before> <after> [options]

Each side is a result.json or a folder of repeated runs (perflab run --repeat N).
Every endpoint's p50, p95, p99, mean, throughput and error rate get a verdict:
improved, regressed, no significant change, or needs more runs (with how many).
With several runs a side: Mann-Whitney U across runs, Hodges-Lehmann 95% interval.
With one run a side: a bootstrap within each run. Significant latency changes get
a cause from the server-side figures. See docs/compare.md.

  -o, --out <dir>                 where compare.json and the reports go
                                  (default reports/<timestamp>-compare-<scenario>/)
      --fail-on-regression <pct>  exit 1 when a figure regressed significantly by more,
                                  e.g. 10% (for --metric errors: percentage points)
      --metric <figure>           the figure the gate reads: p95 (default), p99, mean, rps, errors
      --no-report                 write compare.json only, no report.html/summary.md/junit.xml
      --json                      print compare.json instead of the table
  -h, --help                      this help

Exit codes: 0 compared (gate passed), 1 gate failed, 2 different scenarios or load
models (refused), unreadable input or usage error.
`;

export const REPORT_HELP = `Usage: perflab report <result.json | run folder | compare.json> [options]

Writes report.html (one self-contained file, charts inlined, works offline),
summary.md (GitHub-flavoured Markdown for a pull-request comment) and junit.xml
(thresholds and regressions as test cases).

  -o, --out <dir>   where the files go (default: next to the input)
  -h, --help        this help
`;

export const TARGET_HELP = `Usage: perflab target [--mode monolith|services] [--service <name>]

Starts the sample shop the bundled scenarios are written for, as npm run target
does, with these arguments passed through. Signals are passed on to it, and
perflab exits with its exit code. The npm package leaves the shop out: this
works from a checkout of the perflab repository only (exit 2 elsewhere).

      --mode monolith   the shop API in one app (the default)
      --mode services   gateway, users, catalog, orders, payments and inventory,
                        all in this process unless --service picks one (docs/services.md)
      --service <name>  one of users, catalog, orders, payments, inventory, gateway
  -h, --help            this help
`;
