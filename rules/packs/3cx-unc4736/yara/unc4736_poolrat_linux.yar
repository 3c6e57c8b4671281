/*
   Harrier built-in YARA rules: POOLRAT / SIMPLESEA (3CX macOS build server) and the Linux
   Operation DreamJob chain that ESET tied to 3CX through the shared C2 journalide.org
   (SimplexTea, Go downloader, BADCALL for Linux). Also: 3CX / UNC4736 C2 names compiled
   into executables.

   Author:     Harrier team. Rules written by the team from public facts collected in
               shared/intel/3cx-unc4736.md (source keys in each rule's reference meta).
   Licence:    Harrier project licence. Nothing copied from signature-base or other rule
               sets; strings are public facts quoted in the intel file.
   Modules:    none. ELF by magic 0x7F 'E' 'L' 'F'; Mach-O as in 3cx_unc4736_macos.yar.
   Scores:     THOR-style: 40 Notice, 60 Warning, 80+ Alert.
*/

rule Harrier_UNC4736_POOLRAT_Multipart
{
   meta:
      description = "POOLRAT / SIMPLESEA family (macOS, and its Linux relative SimplexTea): fixed multipart boundary, or all four form fields uid / session / action / token"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 2, 6.6: SB (Mandiant POOLRAT hunting facts), ESET nukesped_lazarus README (SimplexTea relation), ATTACK T1543.004"
      date = "2026-11-26"
      score = 85
      family = "POOLRAT / SIMPLESEA / SimplexTea"
      evidence = "[V]"
      remediation = "Isolate the host; on macOS check /Library/Graphics/Quartz, /private/etc/apdl.cf and LaunchDaemons; rebuild build servers and rotate signing keys"
   strings:
      $bnd = "N9dLfqxHNUUw8qaUPqggVTpX" ascii wide
      $f1 = "name=\"uid\"" ascii wide
      $f2 = "name=\"session\"" ascii wide
      $f3 = "name=\"action\"" ascii wide
      $f4 = "name=\"token\"" ascii wide
   condition:
      ( uint32(0) == 0x464C457F
        or uint32(0) == 0xFEEDFACF or uint32(0) == 0xFEEDFACE
        or ( uint32be(0) == 0xCAFEBABE and uint32be(4) < 8 ) )
      and filesize < 20MB
      and ( $bnd or all of ($f*) )
}

rule Harrier_Lazarus_SimplexTea_Linux
{
   meta:
      description = "SimplexTea for Linux (guiconfigd): ELF with the journalide.org/djour.php C2 URL shared with the 3CX C2 set"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.5, 6.3: ESET nukesped_lazarus README + lazarus_3cx.json"
      date = "2026-11-26"
      score = 90
      family = "SimplexTea"
      evidence = "[V]"
      remediation = "Remove ~/.config/guiconfigd and its autostart, isolate the host, block journalide.org"
   strings:
      $c2 = "journalide.org/djour.php" ascii wide nocase
   condition:
      uint32(0) == 0x464C457F and filesize < 20MB and $c2
}

rule Harrier_Lazarus_DreamJob_Go_Downloader_Linux
{
   meta:
      description = "Go ELF downloader of the HSBC job offer lure: fetches SimplexTea from an OpenDrive (od.lk) share"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.5, 6.3: ESET nukesped_lazarus README + lazarus_3cx.json"
      date = "2026-11-26"
      score = 90
      family = "DreamJob downloader"
      evidence = "[V]"
      remediation = "Delete the lure, check ~/.config/guiconfigd, isolate the host"
   strings:
      $go1 = "Go build ID:" ascii
      $go2 = { FF 20 47 6F 20 62 75 69 6C 64 69 6E 66 3A }
      $u1 = "NTJfMzg4MDE1NzJf" ascii
      $u2 = "od.lk/d/" ascii
   condition:
      uint32(0) == 0x464C457F and filesize < 30MB
      and 1 of ($go*) and $u1 and $u2
}

rule Harrier_Lazarus_BADCALL_Linux
{
   meta:
      description = "BADCALL for Linux (sysnetd): ELF with its C2 address 23.254.211.230 as text"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.5, 6.3: ESET nukesped_lazarus README + lazarus_3cx.json"
      date = "2026-11-26"
      score = 80
      family = "BADCALL"
      evidence = "[V]"
      remediation = "Isolate the host, remove sysnetd and its persistence, block 23.254.211.230"
   strings:
      $ip = "23.254.211.230" ascii wide
   condition:
      uint32(0) == 0x464C457F and filesize < 20MB and $ip
}

rule Harrier_3CX_UNC4736_C2_Domain_In_Executable
{
   meta:
      description = "PE, ELF or Mach-O executable with a 3CX / UNC4736 C2 domain name in clear text"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 6.1 and 6.2: SB, SOPH, VOL, SIGMA, ELA-BLOG (domain list)"
      date = "2026-11-26"
      score = 80
      family = "3CX / UNC4736"
      evidence = "[V]"
   strings:
      $d01 = "akamaicontainer.com" ascii wide nocase
      $d02 = "akamaitechcloudservices.com" ascii wide nocase
      $d03 = "azuredeploystore.com" ascii wide nocase
      $d04 = "azureonlinecloud.com" ascii wide nocase
      $d05 = "azureonlinestorage.com" ascii wide nocase
      $d06 = "dunamistrd.com" ascii wide nocase
      $d07 = "glcloudservice.com" ascii wide nocase
      $d08 = "journalide.org" ascii wide nocase
      $d09 = "msedgepackageinfo.com" ascii wide nocase
      $d10 = "msstorageazure.com" ascii wide nocase
      $d11 = "msstorageboxes.com" ascii wide nocase
      $d12 = "officeaddons.com" ascii wide nocase
      $d13 = "officestoragebox.com" ascii wide nocase
      $d14 = "pbxcloudeservices.com" ascii wide nocase
      $d15 = "pbxphonenetwork.com" ascii wide nocase
      $d16 = "pbxsources.com" ascii wide nocase
      $d17 = "qwepoi123098.com" ascii wide nocase
      $d18 = "sbmsa.wiki" ascii wide nocase
      $d19 = "sourceslabs.com" ascii wide nocase
      $d20 = "visualstudiofactory.com" ascii wide nocase
      $d21 = "zacharryblogs.com" ascii wide nocase
      $d22 = "msedgeupdate.net" ascii wide nocase
      $d23 = "msboxonline.com" ascii wide nocase
      $d24 = "curvefinances.com" ascii wide nocase
      $d25 = "nxmnv.site" ascii wide nocase
      $d26 = "shilaerc20.com" ascii wide nocase
   condition:
      ( uint16(0) == 0x5A4D or uint32(0) == 0x464C457F
        or uint32(0) == 0xFEEDFACF or uint32(0) == 0xFEEDFACE
        or ( uint32be(0) == 0xCAFEBABE and uint32be(4) < 8 ) )
      and filesize < 50MB
      and 1 of them
}
