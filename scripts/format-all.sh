#!/usr/bin/env bash
# The repository-wide formatting, once, when no one has edits in flight (issue 13). Formats every file
# biome.jsonc covers and applies the linter's safe fixes (`biome check --write`), makes sure no Vue template
# renders differently, commits that as one commit listed in .git-blame-ignore-revs (so `git blame` skips
# it), then runs the same check as `npm test` and lists what is left to fix by hand.
# FORCE=1 runs it on a tree with uncommitted changes (then nothing is committed).
set -euo pipefail
cd "$(dirname "$0")/.."

clean=1
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  clean=0
  if [ "${FORCE:-}" != 1 ]; then
    echo "format-all: uncommitted changes in tracked files; commit them first (or FORCE=1 to format without committing):" >&2
    git status --short --untracked-files=no >&2
    exit 1
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "[format-all] Vue templates before"
npx tsx scripts/vue-template-digest.ts > "$work/before"

echo "[format-all] biome check --write (formatter + safe lint fixes)"
npx biome check --write --max-diagnostics=0 || true # findings are listed by `biome ci` below

echo "[format-all] Vue templates after: each must render what it did"
npx tsx scripts/vue-template-digest.ts > "$work/after"
if ! diff "$work/before" "$work/after"; then
  echo "format-all: the formatter changed what these templates render (nothing committed). Compare" >&2
  echo "  git show HEAD:<file> > /tmp/before.vue; npx tsx scripts/vue-template-digest.ts --dump /tmp/before.vue <file>" >&2
  exit 1
fi

echo "[format-all] $(git diff --shortstat)"
if [ "$clean" = 1 ] && ! git diff --quiet; then
  git commit -q -a -m "Format the repository with Biome (scripts/format-all.sh): layout and safe lint fixes only, no behaviour change"
  git rev-parse HEAD >> .git-blame-ignore-revs
  git add .git-blame-ignore-revs
  git commit -q -m "git blame skips the Biome formatting commit" -- .git-blame-ignore-revs
  echo "[format-all] committed $(git rev-parse --short HEAD~1) (and listed it in .git-blame-ignore-revs)"
fi

echo "[format-all] what is left for \`npm test\` (biome ci --error-on-warnings): fix these by hand"
npx biome ci --error-on-warnings
