#!/usr/bin/env bash
# Bad input gives a clear error that names it, never a crash, a hang or a
# silent misreading (DESIGN §9.5; docs/security.md, "Input limits"): YAML
# alias bombs, deep nesting, oversized files and FIFOs, duplicate and complex
# keys, out-of-range config values, huge matrix/foreach expansions, lock files
# the fast reader does not understand, NaN params, crafted tree manifests, and
# stage commands whose quoting must survive `stage add`.
. "$(dirname "$0")/lib.sh"

# A billion laughs: ten levels of ten aliases each, 10^10 values from 1 KB.
bomb() {
  echo "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"
  for i in 1 2 3 4 5 6 7 8 9; do
    p=$((i - 1))
    echo "a$i: &a$i [*a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p]"
  done
}

new_repo "$T/yaml"
cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: echo ${lr} > out.txt
    params: [lr]
    outs: [out.txt]
YAML
echo "lr: 0.5" > params.yaml
run 0 git add -A && run 0 git commit -qm "a pipeline"
{ echo "lr: 0.5"; bomb; } > params.yaml
for cmd in "status" "repro --dry-run" "params diff" "dag"; do
  # shellcheck disable=SC2086
  run 2 timeout 60 "$MLOPS" $cmd
  has_err "params.yaml"
  has_err "values once aliases are expanded"
  no_err "internal error"
done

# The same bomb in every other YAML file mlops reads.
echo "lr: 0.5" > params.yaml
cp mlops.yaml good.yaml
{ cat good.yaml; bomb; } > mlops.yaml
run 2 timeout 60 "$MLOPS" stage list
has_err "mlops.yaml:"
has_err "values once aliases are expanded"
cp good.yaml mlops.yaml
cp .mlops/config.yaml good-config.yaml
{ cat good-config.yaml; bomb; } > .mlops/config.yaml
run 2 timeout 60 "$MLOPS" status
has_err ".mlops/config.yaml:"
has_err "values once aliases are expanded"
cp good-config.yaml .mlops/config.yaml
{ echo "schema: mlops-lock 1"; echo "stages: {}"; bomb; } > mlops.lock
run 2 timeout 60 "$MLOPS" status
has_err "mlops.lock:"
has_err "values once aliases are expanded"
rm mlops.lock
echo data > d.txt
m 0 add d.txt
cp d.txt.mlops good.mlops
{ cat good.mlops; bomb; } > d.txt.mlops
run 2 timeout 60 "$MLOPS" status
has_err "d.txt.mlops:"
has_err "values once aliases are expanded"
cp good.mlops d.txt.mlops

# An alias that names a collection containing it would make every walk endless.
printf 'lr: 0.5\nx: &x [1, *x]\n' > params.yaml
run 2 timeout 60 "$MLOPS" status
has_err "params.yaml:2:"
has_err "an alias names a collection that contains it"

# Nesting past the limit, a file past the size limit, a FIFO.
python3 -c 'print("lr: 0.5\nx: " + "[" * 150 + "]" * 150)' > params.yaml
run 2 timeout 60 "$MLOPS" status
has_err "params.yaml:2:"
has_err "nested deeper than 100 levels"
python3 -c 'import sys; sys.stdout.write("lr: 0.5\n# " + "x" * (65 << 20) + "\n")' > params.yaml
run 2 timeout 60 "$MLOPS" status
has_err "params.yaml: 68157451 bytes is more than the 64 MiB"
rm params.yaml && mkfifo params.yaml
run 2 timeout 60 "$MLOPS" status
has_err "params.yaml: not a regular file"
rm params.yaml

# Duplicate keys are refused at the second one, in every YAML file.
printf 'lr: 0.5\nlr: 0.7\n' > params.yaml
run 2 "$MLOPS" status
has_err "params.yaml:2:1: invalid YAML: duplicate key 'lr'"
printf 'lr: 0.5\n' > params.yaml
{ cat good.yaml; printf '  train:\n    cmd: echo two\n'; } > mlops.yaml
run 2 "$MLOPS" stage list
has_err "mlops.yaml:6:3: invalid YAML: duplicate key 'stages.train'"
cp good.yaml mlops.yaml
printf 'core:\n  jobs: 1\n  jobs: 2\n' > .mlops/config.yaml
run 2 "$MLOPS" status
has_err ".mlops/config.yaml:3:3: invalid YAML: duplicate key 'core.jobs'"
cp good-config.yaml .mlops/config.yaml
sed 's/^\(  *\)hash: \(.*\)$/\1hash: \2\n\1hash: \2/' good.mlops > d.txt.mlops
run 2 "$MLOPS" status
has_err "d.txt.mlops:"
has_err "duplicate key 'outs.0.hash'"
cp good.mlops d.txt.mlops

# A complex key and an out-of-range number in config: usage errors naming both.
printf '? [a, b]\n: 1\n' >> .mlops/config.yaml
run 2 "$MLOPS" status
has_err ".mlops/config.yaml:"
has_err "mapping keys must be plain values"
no_err "internal error"
cp good-config.yaml .mlops/config.yaml
m 2 config core.jobs 100000
has_err "invalid value '100000' for core.jobs: expected a whole number from 0 to 256"
printf 'core:\n  jobs: 100000\n' > .mlops/config.yaml
run 2 "$MLOPS" status
has_err ".mlops/config.yaml:2:9: invalid value '100000' for core.jobs: expected a whole number from 0 to 256"
no_err "internal error"
cp good-config.yaml .mlops/config.yaml
MLOPS_CORE_JOBS=100000 run 2 "$MLOPS" status
has_err "MLOPS_CORE_JOBS"
m 2 repro -j 100000
m 2 checkout -j 100000
m 0 config core.jobs 256
m 0 config --unset core.jobs

# matrix and foreach are counted before they expand.
cat > mlops.yaml <<'YAML'
stages:
  grid:
    matrix: {a: [0,1,2,3,4,5,6,7,8,9], b: [0,1,2,3,4,5,6,7,8,9], c: [0,1,2,3,4,5,6,7,8,9],
             d: [0,1,2,3,4,5,6,7,8,9], e: [0,1,2,3,4,5,6,7,8,9], f: [0,1,2,3,4,5,6,7,8,9],
             g: [0,1,2,3,4,5,6,7,8,9], h: [0,1,2,3,4,5,6,7,8,9], i: [0,1,2,3,4,5,6,7,8,9]}
    cmd: echo ${item.a}
YAML
# pipeline_refused MESSAGE: every command that expands the pipeline says MESSAGE, at once.
pipeline_refused() {
  for cmd in "status" "dag" "stage list"; do
    # shellcheck disable=SC2086
    run 2 timeout 20 "$MLOPS" $cmd
    has_err "$1"
  done
}
foreach_of() {  # foreach_of N: mlops.yaml with one stage over N items
  python3 -c "print('stages:\n  many:\n    foreach: [' + ', '.join(str(i) for i in range($1)) + ']')"
  echo "    do:"
  echo "      cmd: echo \${item}"
}
pipeline_refused "mlops.yaml:3:13: stage 'grid': \`matrix\` expands to more than 10000 stages"
foreach_of 20000 > mlops.yaml
pipeline_refused "mlops.yaml:3:14: stage 'many': \`foreach\` expands to more than 10000 stages"
# Up to the limit is fine, and expanding is linear (it was quadratic).
foreach_of 10000 > mlops.yaml
start=$(date +%s%N)
m 0 dag
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "dag of 10000 foreach stages takes ${elapsed_ms} ms (< 10 s)" test "$elapsed_ms" -lt 10000
cp good.yaml mlops.yaml

# A NaN param that changes is a change; an unchanged one is not.
printf 'lr: 0.5\n' > params.yaml
m 0 repro
m 0 status --exit-code
printf 'lr: .nan\n' > params.yaml
m 1 status --exit-code
m 0 repro
check "the stage ran with the NaN" test "$(cat out.txt)" = ".nan"
m 0 status --exit-code

# The fast lock reader leaves what it does not understand to the general one.
cp mlops.lock good.lock
sed 's/^    outs:$/    outs: {a: b}/' good.lock | sed '/^      - path: out.txt$/,/^        size: /d' > mlops.lock
grep -q "outs: {a: b}" mlops.lock || fail "the inline outs edit did not apply"
run 2 "$MLOPS" status
has_err "mlops.lock:"
has_err "expected a list"
sed 's/^\(  *\)kind: file$/\1kind: file\n\1kind: dir/' good.lock > mlops.lock
run 2 "$MLOPS" status
has_err "mlops.lock:"
has_err "duplicate key"
cp good.lock mlops.lock
m 0 status --exit-code

# A stage command keeps its quoting: `sh -c 'cat a > b'`, not `sh -c cat a > b`.
new_repo "$T/quote"
echo hello > a
m 0 stage add copy -d a -o b -- sh -c 'cat a > b'
check "the command is stored quoted" grep -qF "sh -c 'cat a > b'" mlops.yaml
m 0 repro
check "the stage's command copied a to b" test "$(cat b 2>/dev/null)" = "hello"
m 0 stage add say -o said.txt -- sh -c 'printf "%s|" "$@" > said.txt' sh "it's" '$HOME' 'a  b' ''
m 0 repro say
check "every argument arrived as given" test "$(cat said.txt)" = "it's|\$HOME|a  b||"
m 0 stage add line -o line.txt -- 'echo one > line.txt && echo two >> line.txt'
m 0 repro line
check "one word is kept as a command line" test "$(tr '\n' ' ' < line.txt)" = "one two "

# Crafted tree manifests: every level names one child twice. Built as files
# of the cache (an object is its bytes), then named by a pointer as a tree.
new_repo "$T/tree"
# levels N HONEST: writes craft/l1..lN, each naming the one below twice;
# prints the top one's hash. HONEST=1 declares true counts, 0 declares one file.
levels() {
  local below size=1 files=1 kind=f
  below=$(sha256sum < craft/leaf | cut -d' ' -f1)
  for i in $(seq 1 "$1"); do
    local decl_size=$size decl_files=$files
    if [[ $2 == 0 && $kind == d ]]; then decl_size=1 decl_files=1; fi
    printf 'mlops-tree 1\n%s %s %s %s a\n%s %s %s %s b\n' "$kind" "$below" "$decl_size" "$decl_files" \
      "$kind" "$below" "$decl_size" "$decl_files" > "craft/l$i"
    below=$(sha256sum < "craft/l$i" | cut -d' ' -f1)
    size=$((size * 2)) files=$((files * 2)) kind=d
  done
  echo "$below"
}
# craft N HONEST: the levels added to the cache, and data.mlops naming the top one as `data`.
craft() {
  rm -rf craft craft.mlops && mkdir craft && printf x > craft/leaf
  local top
  top=$(levels "$1" "$2")
  m 0 add craft
  printf 'outs:\n  - path: data\n    hash: sha256:%s\n    kind: dir\n    size: 2\n    files: 2\n' "$top" > data.mlops
}
# refused MESSAGE: `ls -R` and `checkout` of data fail at once with MESSAGE.
refused() {
  run 5 timeout 20 "$MLOPS" ls -R data
  has_err "$1"
  run 5 timeout 20 "$MLOPS" checkout data
  has_err "$1"
  check "nothing was checked out" test ! -e data
}
craft 40 0
refused "declares 1 files of 1 bytes, but its tree"
craft 40 1
refused "more than 4294967296 files declared"

# A tree that is what it declares, but 2^31 files: one SIGTERM stops its walk.
craft 31 1
for cmd in "ls -R data" "checkout data"; do
  # shellcheck disable=SC2086
  "$MLOPS" $cmd >"$OUT" 2>"$ERR" &
  pid=$!
  sleep 1
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    fail "'$cmd' still runs 5 s after one SIGTERM"
    kill -KILL "$pid"
  else
    ok
  fi
  wait "$pid"
  code=$?
  check "'$cmd' exits 130 after SIGTERM (got $code)" test "$code" = 130
done

finish
