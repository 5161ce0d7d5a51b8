# c4(n) and sqrt(1 - c4(n)^2) at 50 digits (mpmath), the reference of test/unit/test_analyst.c.
import mpmath as mp
mp.mp.dps=50
for n in [2,3,5,10,25,40,41,42,50,100,1000,10**4,10**5,10**6,10**7,10**8,10**9]:
    c4=mp.sqrt(mp.mpf(2)/(n-1))*mp.gamma(mp.mpf(n)/2)/mp.gamma(mp.mpf(n-1)/2)
    c5=mp.sqrt(1-c4**2)
    print("{%d, %s, %s}," % (n, mp.nstr(c4,20), mp.nstr(c5,20)))
