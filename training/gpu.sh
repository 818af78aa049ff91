#!/usr/bin/env bash
# A GPU session of issue 14: the training runs of a runs file, each evaluated on its dev pack (party-dev,
# party-paraphrase-dev, ALQAC train; never ALQAC test), within a time budget so that a cut session still returns
# what finished. Needs only python3 with torch, transformers, tokenizers and numpy; reads packs (pack.py) and a
# base model file (export.py without a checkpoint).
#
#   training/gpu.sh RUNS PACK BASE OUT [SECONDS]    # OUT gets log.txt (each line led by its run's name) and
#                                                   # <run>.npz per finished run (the device returns 8 files)
#
# RUNS holds one run a line: `STREAM NAME OPTIONS...` (train.py's options; a later --pack or --base wins over the
# common ones; `eval-only` as NAME's options part evaluates --base alone). Lines of one stream run in order, the
# streams at once: a small network's step leaves the GPU idle between kernel launches, so runs share it well (on an
# H200, session 9: 0.11-0.14 s a step alone, 0.18-0.25 s with four at once, about twice the steps per second in
# all; the log's s/step). A run not begun with 60 s left is skipped; one still
# going at the end is cut and returns nothing, so put the likeliest winners first in each stream.
#
# Then, here: python training/export.py --checkpoint OUT/<run>.npz --out training/.runs/<run>/tracuu-e5-q4.bin
# A CPU smoke test of the script itself (1 step a run, no evaluation): SMOKE=1 DEVICE=cpu training/gpu.sh ...
set -uo pipefail
runs_file=$1 pack=$2 base=$3 out=$4 budget=${5:-420}
here=$(cd "$(dirname "$0")" && pwd)
device=${DEVICE:-cuda}
end=$((SECONDS + budget))
export PYTHONUNBUFFERED=1
mkdir -p "$out"
common=(--pack "$pack" --base "$base" --device "$device" --qat --every 0 --batch 64 --passage-len 256 --fold-p 0.3)
if [ -n "${SMOKE:-}" ]; then smoke=(--epochs 0.0002 --batch 4 --passage-len 32); else common+=(--eval); smoke=(); fi
if [ "$device" = cuda ]; then
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee -a "$out/log.txt"
fi
python3 -c "import torch, tokenizers; print('torch', torch.__version__, 'tokenizers', tokenizers.__version__)" 2>&1 \
  | tee -a "$out/log.txt"

stream() {  # the runs of stream $1, in order
  local log=$out/log.txt name opts left rc
  while read -r s name opts; do
    [ "$s" = "$1" ] || continue
    left=$((end - SECONDS))
    if [ "$left" -lt 60 ]; then echo "# skipped $name: ${left}s left" | tee -a "$log"; continue; fi
    echo "# run $name: $opts (${left}s left)" | tee -a "$log"
    if [ "$opts" = "${opts#eval-only}" ]; then
      # shellcheck disable=SC2086
      timeout "$left" python3 "$here/train.py" --run "$name" "${common[@]}" $opts "${smoke[@]}" 2>&1 | sed -u "s/^/[$name] /" >>"$log"
      rc=$?
      [ -f "$here/.runs/$name/final.npz" ] && cp "$here/.runs/$name/final.npz" "$out/$name.npz"
    elif [ -n "${SMOKE:-}" ]; then
      rc="not run (SMOKE)"
    else
      # shellcheck disable=SC2086
      timeout "$left" python3 "$here/train.py" --run "$name" --pack "$pack" --base "$base" --device "$device" \
        ${opts#eval-only} --eval-only 2>&1 | sed -u "s/^/[$name] /" >>"$log"
      rc=$?
    fi
    echo "# $name ended (status $rc, $((end - SECONDS))s left)" | tee -a "$log"
  done <"$runs_file"
}

streams=$(grep -v '^#' "$runs_file" | awk 'NF {print $1}' | sort -u)
for s in $streams; do stream "$s" & done
wait
grep -E '^\[[^]]*\] (\||# done|# timing)' "$out/log.txt"   # every run's dev figures, for the caller's screen
echo "# finished with $((end - SECONDS))s of the budget left" | tee -a "$out/log.txt"
