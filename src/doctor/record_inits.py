"""The `__init__` code of records of 0 to STATIC_INITS fields, compiled with doctor (see
doctor.records._init_template). Written by `python -m doctor.records`: do not edit.

Each function is only a code template: `_set`, `_FACTORY` and `_factoryN` are the globals
doctor.records gives the `__init__` it makes of it, and the `_fN` names are renamed there.
"""
# ruff: noqa: F821
# mypy: ignore-errors


def _init0(self):
    pass


def _init1(self, _f0):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)


def _init2(self, _f0, _f1):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)


def _init3(self, _f0, _f1, _f2):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)


def _init4(self, _f0, _f1, _f2, _f3):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)


def _init5(self, _f0, _f1, _f2, _f3, _f4):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)


def _init6(self, _f0, _f1, _f2, _f3, _f4, _f5):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)


def _init7(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)


def _init8(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)


def _init9(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)


def _init10(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)
    if _f9 is _FACTORY:
        _f9 = _factory9()
    _set(self, '_f9', _f9)


def _init11(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)
    if _f9 is _FACTORY:
        _f9 = _factory9()
    _set(self, '_f9', _f9)
    if _f10 is _FACTORY:
        _f10 = _factory10()
    _set(self, '_f10', _f10)


def _init12(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)
    if _f9 is _FACTORY:
        _f9 = _factory9()
    _set(self, '_f9', _f9)
    if _f10 is _FACTORY:
        _f10 = _factory10()
    _set(self, '_f10', _f10)
    if _f11 is _FACTORY:
        _f11 = _factory11()
    _set(self, '_f11', _f11)


def _init13(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)
    if _f9 is _FACTORY:
        _f9 = _factory9()
    _set(self, '_f9', _f9)
    if _f10 is _FACTORY:
        _f10 = _factory10()
    _set(self, '_f10', _f10)
    if _f11 is _FACTORY:
        _f11 = _factory11()
    _set(self, '_f11', _f11)
    if _f12 is _FACTORY:
        _f12 = _factory12()
    _set(self, '_f12', _f12)


def _init14(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)
    if _f9 is _FACTORY:
        _f9 = _factory9()
    _set(self, '_f9', _f9)
    if _f10 is _FACTORY:
        _f10 = _factory10()
    _set(self, '_f10', _f10)
    if _f11 is _FACTORY:
        _f11 = _factory11()
    _set(self, '_f11', _f11)
    if _f12 is _FACTORY:
        _f12 = _factory12()
    _set(self, '_f12', _f12)
    if _f13 is _FACTORY:
        _f13 = _factory13()
    _set(self, '_f13', _f13)


def _init15(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)
    if _f9 is _FACTORY:
        _f9 = _factory9()
    _set(self, '_f9', _f9)
    if _f10 is _FACTORY:
        _f10 = _factory10()
    _set(self, '_f10', _f10)
    if _f11 is _FACTORY:
        _f11 = _factory11()
    _set(self, '_f11', _f11)
    if _f12 is _FACTORY:
        _f12 = _factory12()
    _set(self, '_f12', _f12)
    if _f13 is _FACTORY:
        _f13 = _factory13()
    _set(self, '_f13', _f13)
    if _f14 is _FACTORY:
        _f14 = _factory14()
    _set(self, '_f14', _f14)


def _init16(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15):
    if _f0 is _FACTORY:
        _f0 = _factory0()
    _set(self, '_f0', _f0)
    if _f1 is _FACTORY:
        _f1 = _factory1()
    _set(self, '_f1', _f1)
    if _f2 is _FACTORY:
        _f2 = _factory2()
    _set(self, '_f2', _f2)
    if _f3 is _FACTORY:
        _f3 = _factory3()
    _set(self, '_f3', _f3)
    if _f4 is _FACTORY:
        _f4 = _factory4()
    _set(self, '_f4', _f4)
    if _f5 is _FACTORY:
        _f5 = _factory5()
    _set(self, '_f5', _f5)
    if _f6 is _FACTORY:
        _f6 = _factory6()
    _set(self, '_f6', _f6)
    if _f7 is _FACTORY:
        _f7 = _factory7()
    _set(self, '_f7', _f7)
    if _f8 is _FACTORY:
        _f8 = _factory8()
    _set(self, '_f8', _f8)
    if _f9 is _FACTORY:
        _f9 = _factory9()
    _set(self, '_f9', _f9)
    if _f10 is _FACTORY:
        _f10 = _factory10()
    _set(self, '_f10', _f10)
    if _f11 is _FACTORY:
        _f11 = _factory11()
    _set(self, '_f11', _f11)
    if _f12 is _FACTORY:
        _f12 = _factory12()
    _set(self, '_f12', _f12)
    if _f13 is _FACTORY:
        _f13 = _factory13()
    _set(self, '_f13', _f13)
    if _f14 is _FACTORY:
        _f14 = _factory14()
    _set(self, '_f14', _f14)
    if _f15 is _FACTORY:
        _f15 = _factory15()
    _set(self, '_f15', _f15)
