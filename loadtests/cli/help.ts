export const MAIN_HELP = `perflab: load tests and server-side correlation for HTTP APIs

Usage:
  perflab run <scenario | url> [options]   run a load test (perflab help run)
  perflab merge <result.json>...  [options] merge results of several generators (perflab help merge)
  perflab init [file]                       write a commented starter scenario (perflab help init)
  perflab scenarios                         list the bundled scenarios
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

<scenario> is a bundled scenario name (smoke, browse, orders, checkout, mixed)
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
      --no-scrape            do not scrape <target>/metrics
      --scrape-interval <dur> scrape period during the run (default 5s)
      --json                 print result.json to stdout instead of the summary
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
