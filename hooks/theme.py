"""Material's internals, patched and checked: the events that call handbook/theme.

Everything that depends on what Material does not document lives in
handbook/theme/ (its docstring lists each place and its check); this hook only
says when each part runs.
"""

from handbook import theme


def on_config(config):
    theme.disable_jieba()
    return config


def on_env(env, config, files, **kwargs):
    theme.check_templates(env.loader)
    env.globals["material_bundle"] = theme.bundle_path(config.theme.dirs)  # for overrides/main.html
    return env


def on_post_page(output, page, config):
    return theme.rewrite_markup(output, page.file.src_uri)


def on_post_build(config, **kwargs):
    theme.patch_built_site(config.site_dir, config.theme.get("features", []))
