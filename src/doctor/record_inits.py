"""The `__init__` code of records of 0 to STATIC_INITS fields, compiled with doctor (see
doctor.records._init_template). Written by `python -m doctor.records`: do not edit.

Each function is only a code template: `_set`, `_FACTORY` and `_factoryN` are the globals
doctor.records gives the `__init__` it makes of it, and the `_fN` names are renamed there.
"""
# ruff: noqa: F821, E501
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


def _init17(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)


def _init18(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)


def _init19(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)


def _init20(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)


def _init21(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)


def _init22(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)


def _init23(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)


def _init24(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)


def _init25(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)


def _init26(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24, _f25):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)
    if _f25 is _FACTORY:
        _f25 = _factory25()
    _set(self, '_f25', _f25)


def _init27(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24, _f25, _f26):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)
    if _f25 is _FACTORY:
        _f25 = _factory25()
    _set(self, '_f25', _f25)
    if _f26 is _FACTORY:
        _f26 = _factory26()
    _set(self, '_f26', _f26)


def _init28(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24, _f25, _f26, _f27):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)
    if _f25 is _FACTORY:
        _f25 = _factory25()
    _set(self, '_f25', _f25)
    if _f26 is _FACTORY:
        _f26 = _factory26()
    _set(self, '_f26', _f26)
    if _f27 is _FACTORY:
        _f27 = _factory27()
    _set(self, '_f27', _f27)


def _init29(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24, _f25, _f26, _f27, _f28):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)
    if _f25 is _FACTORY:
        _f25 = _factory25()
    _set(self, '_f25', _f25)
    if _f26 is _FACTORY:
        _f26 = _factory26()
    _set(self, '_f26', _f26)
    if _f27 is _FACTORY:
        _f27 = _factory27()
    _set(self, '_f27', _f27)
    if _f28 is _FACTORY:
        _f28 = _factory28()
    _set(self, '_f28', _f28)


def _init30(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24, _f25, _f26, _f27, _f28, _f29):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)
    if _f25 is _FACTORY:
        _f25 = _factory25()
    _set(self, '_f25', _f25)
    if _f26 is _FACTORY:
        _f26 = _factory26()
    _set(self, '_f26', _f26)
    if _f27 is _FACTORY:
        _f27 = _factory27()
    _set(self, '_f27', _f27)
    if _f28 is _FACTORY:
        _f28 = _factory28()
    _set(self, '_f28', _f28)
    if _f29 is _FACTORY:
        _f29 = _factory29()
    _set(self, '_f29', _f29)


def _init31(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24, _f25, _f26, _f27, _f28, _f29, _f30):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)
    if _f25 is _FACTORY:
        _f25 = _factory25()
    _set(self, '_f25', _f25)
    if _f26 is _FACTORY:
        _f26 = _factory26()
    _set(self, '_f26', _f26)
    if _f27 is _FACTORY:
        _f27 = _factory27()
    _set(self, '_f27', _f27)
    if _f28 is _FACTORY:
        _f28 = _factory28()
    _set(self, '_f28', _f28)
    if _f29 is _FACTORY:
        _f29 = _factory29()
    _set(self, '_f29', _f29)
    if _f30 is _FACTORY:
        _f30 = _factory30()
    _set(self, '_f30', _f30)


def _init32(self, _f0, _f1, _f2, _f3, _f4, _f5, _f6, _f7, _f8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _f17, _f18, _f19, _f20, _f21, _f22, _f23, _f24, _f25, _f26, _f27, _f28, _f29, _f30, _f31):
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
    if _f16 is _FACTORY:
        _f16 = _factory16()
    _set(self, '_f16', _f16)
    if _f17 is _FACTORY:
        _f17 = _factory17()
    _set(self, '_f17', _f17)
    if _f18 is _FACTORY:
        _f18 = _factory18()
    _set(self, '_f18', _f18)
    if _f19 is _FACTORY:
        _f19 = _factory19()
    _set(self, '_f19', _f19)
    if _f20 is _FACTORY:
        _f20 = _factory20()
    _set(self, '_f20', _f20)
    if _f21 is _FACTORY:
        _f21 = _factory21()
    _set(self, '_f21', _f21)
    if _f22 is _FACTORY:
        _f22 = _factory22()
    _set(self, '_f22', _f22)
    if _f23 is _FACTORY:
        _f23 = _factory23()
    _set(self, '_f23', _f23)
    if _f24 is _FACTORY:
        _f24 = _factory24()
    _set(self, '_f24', _f24)
    if _f25 is _FACTORY:
        _f25 = _factory25()
    _set(self, '_f25', _f25)
    if _f26 is _FACTORY:
        _f26 = _factory26()
    _set(self, '_f26', _f26)
    if _f27 is _FACTORY:
        _f27 = _factory27()
    _set(self, '_f27', _f27)
    if _f28 is _FACTORY:
        _f28 = _factory28()
    _set(self, '_f28', _f28)
    if _f29 is _FACTORY:
        _f29 = _factory29()
    _set(self, '_f29', _f29)
    if _f30 is _FACTORY:
        _f30 = _factory30()
    _set(self, '_f30', _f30)
    if _f31 is _FACTORY:
        _f31 = _factory31()
    _set(self, '_f31', _f31)
