#!/usr/bin/env bash
# Every check that needs a real NVIDIA GPU, sized for a borrowed machine (the `device`
# tool lends one for about 15 minutes in all; no internet there; its python3 already has
# torch with CUDA, cupy, numpy, pytest and hypothesis, so the tree runs as copied):
#
#     bash scripts/gpu_check.sh tests    # part 1 (< 9 min): versions, the whole suite
#     bash scripts/gpu_check.sh bench    # part 2 (< 9 min): step times, mnist_cnn.py
#     bash scripts/gpu_check.sh nccl     # part 3 (< 5 min, needs 2 GPUs for a real test):
#                                        # minitorch.distributed's NCCL path, unverified so far
#     bash scripts/gpu_check.sh          # all, one after the other (local use)
#
# Everything a part measures is appended to ONE file, $OUT/gpu_check.txt (OUT defaults to
# ./gpu_check_out); full logs go beside it. CuPy compiles its kernels on first use and
# keeps them in $CUPY_CACHE_DIR, here ./.cupy_cache (ignored by git), so part 2 does not
# compile again what part 1 did when both run on the same machine.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=.
export CUPY_CACHE_DIR="$PWD/.cupy_cache"
OUT=${OUT:-$PWD/gpu_check_out}
mkdir -p "$OUT" "$CUPY_CACHE_DIR"
REPORT="$OUT/gpu_check.txt"
PART=${1:-all}

say() { echo "$@" | tee -a "$REPORT"; }

if [ "$PART" = tests ] || [ "$PART" = all ]; then
  say "== environment ($(date -u +%FT%TZ))"
  { nvidia-smi -L; python3 -c "import cupy, numpy, torch; print('cupy', cupy.__version__, \
'numpy', numpy.__version__, 'torch', torch.__version__, 'cuda', torch.version.cuda)"; \
    git log -1 --format='commit %h %s' 2>/dev/null; } 2>&1 | tee -a "$REPORT"

  # The suite, cuda cases included. addopts holds -q; `-o addopts=` drops it so pytest
  # prints its "N passed, M failed" line; -rfE lists each failure in one line.
  say "== test suite (pytest -n 8 tests)"
  timeout 480 python3 -m pytest -n 8 tests -o addopts= -p no:cacheprovider -rfE \
      --maxfail=100 > "$OUT/tests.log" 2>&1
  say "exit code $?"
  grep -E "^(FAILED|ERROR) " "$OUT/tests.log" | head -60 | tee -a "$REPORT"
  tail -1 "$OUT/tests.log" | tee -a "$REPORT"
fi

if [ "$PART" = bench ] || [ "$PART" = all ]; then
  # minitorch vs torch, each in its own process, alternating (benchmarks/train_step.py);
  # 9 configurations x ~25 s
  say "== step time on cuda, minitorch vs torch (benchmarks/train_step.py --steps 30)"
  for model in mnist_cnn lenet cifar_net; do
    for batch in 64 256 1024; do
      say "-- $model batch $batch"
      timeout 60 python3 benchmarks/train_step.py --model "$model" --batch "$batch" \
          --device cuda --steps 30 2>&1 | tail -3 | tee -a "$REPORT"
    done
  done

  # The user's program beside its torch twin: accuracy and training samples/s
  say "== examples/mnist_cnn.py vs reference/mnist_cnn.py, --device cuda, 2 epochs on the subset"
  for side in examples reference; do
    say "-- $side"
    timeout 90 python3 "$side/mnist_cnn.py" --device cuda --data subset --epochs 2 \
        2>"$OUT/mnist_cnn_$side.err" | grep -E "accuracy|summary" | tee -a "$REPORT"
  done
fi
if [ "$PART" = nccl ] || [ "$PART" = all ]; then
  # One process per GPU (at most 2); the NCCL id travels over TCP (MASTER_ADDR/PORT).
  NGPU=$(nvidia-smi -L | wc -l); [ "$NGPU" -gt 2 ] && NGPU=2
  say "== NCCL on $NGPU GPU(s): collectives test, then examples/mnist_ddp.py"
  timeout 240 python3 -m pytest -n 0 -o addopts= -rs tests/test_distributed.py -k "nccl or tcp" \
      2>&1 | tail -3 | tee -a "$REPORT"
  for r in $(seq 0 $((NGPU - 1))); do
    RANK=$r LOCAL_RANK=$r WORLD_SIZE=$NGPU MASTER_ADDR=127.0.0.1 MASTER_PORT=29541 timeout 240 \
      python3 examples/mnist_ddp.py --backend nccl --device cuda --data subset \
      > "$OUT/mnist_ddp_rank$r.log" 2>&1 &
  done
  wait
  grep -hE "accuracy|summary|Error" "$OUT"/mnist_ddp_rank*.log | tee -a "$REPORT"
fi
echo "report: $REPORT"
