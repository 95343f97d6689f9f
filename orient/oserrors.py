"""An operating system error said in French, for the people at a counter: no "[Errno 13]", no English.

Python's `str(OSError)` is the C library's English ("[Errno 28] No space left on device: '/…'"); a
message shown to an agent says the same in French, with the path when there is one.
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "dossier ou fichier introuvable",
    errno.ENOTDIR: "un fichier se trouve là où un dossier est attendu",
    errno.EEXIST: "un fichier porte déjà ce nom là où un dossier est attendu",
    errno.EISDIR: "c'est un dossier",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota du disque dépassé",
    errno.EROFS: "disque en lecture seule",
    errno.EIO: "erreur de lecture ou d'écriture du disque",
    errno.ENAMETOOLONG: "nom trop long",
    errno.ELOOP: "trop de liens symboliques",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts",
    errno.EBUSY: "ressource occupée",
    errno.ETXTBSY: "fichier occupé",
    errno.ENOEXEC: "ce n'est pas un programme",
    errno.ENOMEM: "mémoire insuffisante",
    errno.EAGAIN: "ressource momentanément indisponible",
    errno.EPIPE: "la sortie a été fermée",
}


def french_os_error(exc: OSError) -> str:
    """'disque plein (/home/accueil/fiches/fiche-patient.html)'. An error whose own text is already
    French (orient.atomic.NotARegularFile) keeps it."""
    from orient.atomic import NotARegularFile

    if isinstance(exc, NotARegularFile):
        return str(exc)
    reason = _REASONS.get(exc.errno or 0, f"erreur du système (code {exc.errno})" if exc.errno else
                          "erreur du système")
    return f"{reason} ({exc.filename})" if exc.filename else reason
