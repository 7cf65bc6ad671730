"""Personal numbers in a report's text: the rules report them, the narrative review masks them."""

import re

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
# what must not leave the machine in an LLM request
PRIVATE_NUMBER = re.compile(f"{MOBILE.pattern}|{ID_NUMBER.pattern}")
