"""A PEM private key masked by its shape alone (doctor.secret_pem through scrub): a legacy encrypted key's
body after its RFC 1421 headers, and each line of a key in a diff with the diff's margin kept."""

from __future__ import annotations

from doctor.redact import scrub

BODY = ("KzJ9Qw2Lp8Xr4Tn6Vb1Mc3Zx7Ks5Hd9Fg2Jl4Pq8Wr6Ty3Ui1Oa5Se7Dh9Gk2Lm4",
        "+b8Vc6Xz1Qw3Er5Ty7Ui9Op2As4Df6Gh8Jk0Lz1Xc3Vb5Nm7Qw9Er2Ty4Ui6Op8==")


def test_an_encrypted_legacy_keys_body_is_masked_its_headers_kept() -> None:
    text = ("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
            "DEK-Info: AES-128-CBC,3F17F5316E2BAC89F5A3B0A2F6B3A5C1\n\n" + "\n".join(BODY) +
            "\n-----END RSA PRIVATE KEY-----\n")
    found: list[str] = []
    shown = scrub(text, found.append)
    assert not any(line in shown for line in BODY)  # before: both lines printed as they are
    assert shown == ("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                     "DEK-Info: AES-128-CBC,3F17F5316E2BAC89F5A3B0A2F6B3A5C1\n\n***\n***\n"
                     "-----END RSA PRIVATE KEY-----\n")
    assert found and all(line in found[0] for line in BODY)


def test_a_keys_lines_in_a_diff_keep_their_margin() -> None:
    for mark in "+-":
        lines = ["-----BEGIN OPENSSH PRIVATE KEY-----", *BODY, "-----END OPENSSH PRIVATE KEY-----"]
        diff = "@@ -1,2 +1,6 @@\n LOG=info\n" + "".join(f"{mark}{line}\n" for line in lines)
        shown = scrub(diff)
        # before: `***` for `+<line>` (the `+` of a line starting with one lost) and `***-----END` for `+-----END`
        assert shown == ("@@ -1,2 +1,6 @@\n LOG=info\n" f"{mark}-----BEGIN OPENSSH PRIVATE KEY-----\n"
                         f"{mark}***\n{mark}***\n{mark}-----END OPENSSH PRIVATE KEY-----\n"), mark


def test_a_key_with_no_margin_is_as_before() -> None:
    text = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(BODY) + "\n-----END PRIVATE KEY-----"
    assert scrub(text) == "-----BEGIN PRIVATE KEY-----\n***\n***\n-----END PRIVATE KEY-----"
    assert scrub("x+-----BEGIN PRIVATE KEY-----\n+abc\n") == "x+-----BEGIN PRIVATE KEY-----\n***\n"
