"""Serve docs/assets/ (KaTeX, CSS, JS, figures, diagrams) in both languages.

Each language build has its own docs_dir (docs/zh, docs/en). Files shared by
both live once in docs/assets/ and are added to every build here, so pages
link them as ordinary documentation files (``../assets/figures/x.png``) and
MkDocs validates those links.
"""

from pathlib import Path

from mkdocs.structure.files import File

SHARED = "assets"


def on_files(files, config):
    docs_root = Path(config.config_file_path).parent / "docs"
    for path in sorted((docs_root / SHARED).rglob("*")):
        if path.is_file():
            files.append(
                File(
                    path.relative_to(docs_root).as_posix(),
                    src_dir=str(docs_root),
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
    return files
