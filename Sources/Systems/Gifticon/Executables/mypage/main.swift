import Chassis
import Gifticon

Service.main(MypageContext.self)
