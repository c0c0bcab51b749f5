# PyInstaller hook: doorman's sanitiser reads the `names` package's frequency lists
# through importlib.resources.
from pathlib import Path

from PyInstaller.utils.hooks import get_package_paths

from appliance.collect import names_datas

datas = names_datas(Path(get_package_paths("names")[1]))
