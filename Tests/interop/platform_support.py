"""What a client of the hosted platform does to talk to its management API: the envelope and
the XML fields, as its docs show them."""

import base64

from wechatpy.crypto import PrpCrypto


def encrypt(bot, xml):
    """What the platform's docs do: `new WXBizMsgCrypt(TOKEN, EncodingAESKey, APPID).encrypt(data)`."""
    key = base64.b64decode(bot["encoding_aes_key"] + "=")
    encrypted = PrpCrypto(key).encrypt(xml, bot["appid"])
    return encrypted.decode() if isinstance(encrypted, bytes) else encrypted


def cdata(tag, text):
    return f"<{tag}><![CDATA[{text}]]></{tag}>"
