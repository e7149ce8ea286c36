"""Instructor grading pipeline: parallel, sandboxed, robust autograding on top of nbgrader.

Modules, one job each:

- :mod:`.records`     the typed records: Status (by severity), RunLimits and its defaults, Job, LogLine
- :mod:`.log`         write and read the grading log (``autograded/grading-log.jsonl``)
- :mod:`.config`      where the course's folders and gradebook are (from ``nbgrader_config.py``)
- :mod:`.reference`   the trusted version of every graded cell (gradebook + source notebook)
- :mod:`.repair`      read a submission and restore it against the reference
- :mod:`.instrument`  rewrite test cells: strict equality and an out-of-band pass token
- :mod:`.tamper`      notice rebinding of what hidden tests rely on (builtins, math, pandas...)
- :mod:`.sandbox`     the kernel command wrapped in bubblewrap + prlimit
- :mod:`.zygote`      one per worker: imports the stack once, forks each kernel into its own sandbox
- :mod:`.execute`     run one notebook with time, output and memory limits
- :mod:`.worker`      grade one submission (runs in a worker process)
- :mod:`.outputs`     keep the files a graded notebook wrote (as nbgrader does)
- :mod:`.cache`       the hash of what produced each grade: re-grade only what changed
- :mod:`.cluster`     the same jobs on Dask workers (``--cluster``), content-addressed bundles
- :mod:`.bundle_files` a worker's unpacked bundles, pruned at the end of each run
- :mod:`.gateway`     ``--cluster NAME``: a running dask-gateway cluster, found through Dask's config
- :mod:`.gradebook`   the single writer that records scores via nbgrader's Gradebook API
- :mod:`.autograde`   plan, skip unchanged, run in parallel, one writer
- :mod:`.feedback`      feedback pages without hidden tests; :mod:`.feedback_charts` draws the
  charts grading kept as Vega-Lite specs
- :mod:`.export`, :mod:`.report`, :mod:`.check`
"""
