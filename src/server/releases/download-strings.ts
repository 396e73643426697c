/** The words of GET /download, in English and Simplified Chinese. */
import type { DesktopOs } from './feed'
import type { PageLanguage } from './visitor'

export interface DownloadStrings {
  /** The name of this page's language in itself, for the other page's switch link. */
  languageName: string
  title: string
  intro: string
  forYourSystem: (os: string, version: string) => string
  chooseBelow: string
  download: (what: string) => string
  released: (date: string) => string
  allFiles: string
  file: string
  size: string
  sha512: string
  missing: string
  unreadableFeed: (os: string) => string
  noRelease: string
  noReleaseAdmin: string
  unreadableRelease: string
  unreadableAdmin: string
  verify: string
  updatesNote: string
  kind: Record<InstallerKind, string>
}

export type InstallerKind = 'exe' | 'dmg' | 'AppImage' | 'deb' | 'zip' | 'other'

export const OS_NAMES: Record<DesktopOs, string> = { windows: 'Windows', mac: 'macOS', linux: 'Linux' }

export const STRINGS: Record<PageLanguage, DownloadStrings> = {
  en: {
    languageName: 'English',
    title: 'Download Parley',
    intro: 'Parley for the desktop, from this server. Installed apps keep themselves up to date from here.',
    forYourSystem: (os, version) => `Parley ${version} for ${os}`,
    chooseBelow: 'Choose the file for your system below.',
    download: (what) => `Download ${what}`,
    released: (date) => `Released ${date}`,
    allFiles: 'All files',
    file: 'File',
    size: 'Size',
    sha512: 'SHA-512',
    missing: 'not on the server',
    unreadableFeed: (os) => `The ${os} release on this server cannot be read right now.`,
    noRelease: 'This server has no desktop release published yet.',
    noReleaseAdmin:
      'Its administrator publishes one by building the app (npm run dist) and running npm run publish-release -- dist/release on the server; docs/distribution.md explains both.',
    unreadableRelease: 'The desktop release on this server cannot be read right now.',
    unreadableAdmin: 'Its administrator finds why in the server’s log and republishes it (docs/distribution.md).',
    verify: 'To check a download, compare its SHA-512 with sha512sum FILE (Linux), shasum -a 512 FILE (macOS) or certutil -hashfile FILE SHA512 (Windows).',
    updatesNote: 'The macOS .zip is what installed apps update themselves from; to install, take the .dmg.',
    kind: {
      exe: 'installer (.exe)',
      dmg: 'disk image (.dmg)',
      AppImage: 'AppImage (any distribution)',
      deb: 'Debian / Ubuntu package (.deb)',
      zip: 'update archive (.zip)',
      other: 'file',
    },
  },
  'zh-CN': {
    languageName: '简体中文',
    title: '下载 Parley',
    intro: '从本服务器下载 Parley 桌面版。安装后的应用会从这里自动更新。',
    forYourSystem: (os, version) => `适用于 ${os} 的 Parley ${version}`,
    chooseBelow: '请在下方选择适合你系统的文件。',
    download: (what) => `下载${what}`,
    released: (date) => `发布于 ${date}`,
    allFiles: '全部文件',
    file: '文件',
    size: '大小',
    sha512: 'SHA-512',
    missing: '服务器上缺少此文件',
    unreadableFeed: (os) => `本服务器上的 ${os} 版本暂时无法读取。`,
    noRelease: '本服务器尚未发布桌面版。',
    noReleaseAdmin:
      '管理员构建应用（npm run dist）后，在服务器上运行 npm run publish-release -- dist/release 即可发布；详见 docs/distribution.md。',
    unreadableRelease: '本服务器上的桌面版暂时无法读取。',
    unreadableAdmin: '管理员可在服务器日志中查看原因并重新发布（docs/distribution.md）。',
    verify: '校验下载的文件：将其 SHA-512 与 sha512sum 文件（Linux）、shasum -a 512 文件（macOS）或 certutil -hashfile 文件 SHA512（Windows）的结果比较。',
    updatesNote: 'macOS 的 .zip 文件供已安装的应用自动更新使用；安装请下载 .dmg。',
    kind: {
      exe: '安装程序（.exe）',
      dmg: '磁盘映像（.dmg）',
      AppImage: 'AppImage（适用于各发行版）',
      deb: 'Debian / Ubuntu 软件包（.deb）',
      zip: '更新包（.zip）',
      other: '文件',
    },
  },
}
